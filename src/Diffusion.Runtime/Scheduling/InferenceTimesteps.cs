using System;
using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The S of T training timesteps a sampler visits, in the descending order it visits them, computed exactly as diffusers'
/// <c>set_timesteps</c> (numpy float64 arithmetic, <c>round</c> half to even) or improved-diffusion's
/// <c>space_timesteps</c>. Pure functions of their arguments.
/// </summary>
public static class InferenceTimesteps
{
    /// <summary>
    /// <paramref name="count"/> timesteps of 0..<paramref name="trainTimesteps"/>-1 spaced as <paramref name="spacing"/>
    /// says, descending; <paramref name="stepsOffset"/> is added to <see cref="TimestepSpacing.Leading"/>'s only.
    /// </summary>
    public static long[] Spaced(TimestepSpacing spacing, int trainTimesteps, int count, int stepsOffset = 0)
    {
        if (trainTimesteps < 1)
            throw new ArgumentOutOfRangeException(nameof(trainTimesteps), trainTimesteps, "A schedule needs at least one training timestep.");
        if (count < 1 || count > trainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Cannot take {count} inference steps out of {trainTimesteps} training timesteps; use 1..{trainTimesteps}.");
        if (stepsOffset < 0)
            throw new ArgumentOutOfRangeException(nameof(stepsOffset), stepsOffset, "The steps offset cannot be negative.");
        long[] steps = spacing switch
        {
            TimestepSpacing.Leading => Leading(trainTimesteps, count, stepsOffset),
            TimestepSpacing.Trailing => Trailing(trainTimesteps, count),
            TimestepSpacing.Linspace => Linspace(trainTimesteps, count),
            TimestepSpacing.ImprovedDiffusion => ImprovedDiffusion(trainTimesteps, count).Reverse().ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "Unknown timestep spacing."),
        };
        if (steps[0] >= trainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(stepsOffset), stepsOffset,
                $"Leading spacing with steps offset {stepsOffset} starts at timestep {steps[0]}, past the last training timestep {trainTimesteps - 1}.");
        return steps;
    }

    /// <summary>
    /// improved-diffusion's <c>space_timesteps(T, "c_1,c_2,...")</c> (Nichol and Dhariwal 2021, Sec. 4): 0..T-1 cut into
    /// equal sections (the first T mod k one longer), and c_i steps from section i at a fractional stride
    /// (size - 1) / (c_i - 1) accumulated in float64 and rounded as Python's <c>round</c> does, half to even (a single
    /// step takes the section's start). Ascending, distinct.
    /// </summary>
    /// <remarks>
    /// <see cref="Schedules.NoiseSchedule.EvenlySpacedSteps"/> claims the same source but multiplies instead of
    /// accumulating, rounds half away from zero and takes T - 1 for a single step: 1000 steps, 7 samples give
    /// 0, 167, 333, 500, 666, 833, 999 there and 0, 166, 333, 500, 666, 832, 999 here.
    /// </remarks>
    public static long[] ImprovedDiffusion(int trainTimesteps, params int[] sectionCounts)
    {
        if (trainTimesteps < 1)
            throw new ArgumentOutOfRangeException(nameof(trainTimesteps), trainTimesteps, "A schedule needs at least one training timestep.");
        ArgumentNullException.ThrowIfNull(sectionCounts);
        if (sectionCounts.Length == 0 || sectionCounts.Length > trainTimesteps)
            throw new ArgumentException($"Give 1..{trainTimesteps} section counts, not {sectionCounts.Length}.", nameof(sectionCounts));
        int sizePer = trainTimesteps / sectionCounts.Length, extra = trainTimesteps % sectionCounts.Length;
        var taken = new SortedSet<long>();
        long start = 0;
        for (int i = 0; i < sectionCounts.Length; i++)
        {
            int size = sizePer + (i < extra ? 1 : 0);
            int count = sectionCounts[i];
            if (count < 1 || count > size)
                throw new ArgumentOutOfRangeException(nameof(sectionCounts), count, $"Section {i} has {size} timesteps; take 1..{size} of them.");
            double stride = count <= 1 ? 1 : (size - 1) / (double)(count - 1);
            double index = 0;
            for (int k = 0; k < count; k++)
            {
                taken.Add(start + (long)Math.Round(index, MidpointRounding.ToEven));   // Python's round: half to even
                index += stride;
            }
            start += size;
        }
        return taken.ToArray();
    }

    /// <summary>
    /// The timestep after <paramref name="timestep"/> in the descending <paramref name="timesteps"/>, or -1 after the
    /// last (diffusers' <c>DDPMScheduler.previous_timestep</c> once timesteps are set).
    /// </summary>
    public static long Previous(IReadOnlyList<long> timesteps, long timestep)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        for (int i = 0; i < timesteps.Count; i++)
            if (timesteps[i] == timestep) return i + 1 < timesteps.Count ? timesteps[i + 1] : -1;
        throw new ArgumentOutOfRangeException(nameof(timestep), timestep, $"Timestep {timestep} is not one of the inference timesteps [{string.Join(", ", timesteps)}].");
    }

    /// <summary>Checks caller-chosen timesteps as diffusers does: strictly descending, within 0..T-1.</summary>
    public static long[] Custom(IReadOnlyList<long> timesteps, int trainTimesteps)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (timesteps.Count == 0) throw new ArgumentException("Give at least one custom timestep.", nameof(timesteps));
        for (int i = 1; i < timesteps.Count; i++)
            if (timesteps[i] >= timesteps[i - 1])
                throw new ArgumentException($"Custom timesteps must be in descending order: timesteps[{i}] = {timesteps[i]} follows {timesteps[i - 1]}.", nameof(timesteps));
        if (timesteps[0] >= trainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps[0], $"Custom timesteps must start below the {trainTimesteps} training timesteps.");
        if (timesteps[^1] < 0)
            throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps[^1], "Custom timesteps cannot be negative.");
        return timesteps.ToArray();
    }

    // k (T div S) + offset for k = S-1..0 (diffusers' "leading").
    private static long[] Leading(int trainTimesteps, int count, int offset)
    {
        long ratio = trainTimesteps / count;
        return Enumerable.Range(0, count).Select(k => (long)(count - 1 - k) * ratio + offset).ToArray();
    }

    // round(numpy.arange(T, 0, -T / S)) - 1 (diffusers' "trailing"). numpy's arange writes start, start + step and then
    // start + i * delta with delta = (start + step) - start, so the same float64 operations are repeated here.
    private static long[] Trailing(int trainTimesteps, int count)
    {
        double step = -(trainTimesteps / (double)count);
        double start = trainTimesteps;
        double second = start + step;
        double delta = second - start;
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            double value = i == 0 ? start : i == 1 ? second : start + i * delta;
            result[i] = (long)Math.Round(value, MidpointRounding.ToEven) - 1;   // numpy's round: half to even
        }
        return result;
    }

    // round(numpy.linspace(0, T - 1, S)) reversed (diffusers' "linspace"): numpy computes i * ((T - 1) / (S - 1)) + 0 and
    // sets the last value to T - 1 exactly; a single step is 0.
    private static long[] Linspace(int trainTimesteps, int count)
    {
        var ascending = new long[count];
        if (count == 1) return [0];
        double step = (trainTimesteps - 1) / (double)(count - 1);
        for (int i = 0; i < count; i++)
            ascending[i] = i == count - 1 ? trainTimesteps - 1 : (long)Math.Round(i * step, MidpointRounding.ToEven);
        return ascending.Reverse().ToArray();
    }
}
