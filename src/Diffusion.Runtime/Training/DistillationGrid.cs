using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Schedules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The timesteps of one progressive-distillation round (Salimans and Ho 2022, Algorithm 2): for each of the student's
/// S steps t -> t'', the teacher's two steps t -> t' -> t'' on its 2S-step grid. Both grids are diffusers' "trailing"
/// spacing, round(T - k T / S) - 1 (<see cref="InferenceTimesteps.Spaced"/>), which nests: the 2S grid's even-indexed
/// entries are the S grid (for T = 1000 and every power of two S up to 512), so t' falls between t and t'' and the
/// student of one round trains on the grid its own teacher sampled. Index i = 0 is the noisiest step (t = T - 1); the
/// last step ends at t'' = -1, abar = 1 (x_0 itself).
/// </summary>
/// <remarks>
/// A student's generated DDIM sampler visits <see cref="SamplerSteps"/>, the same grid. A teacher's own DDIM sampler
/// visits evenly spaced steps that include t = 0 (<see cref="NoiseSchedule.EvenlySpacedSteps"/>), so a fair comparison
/// of a student at S steps with its first teacher runs the teacher on this grid at 2S steps.
/// </remarks>
public sealed class DistillationGrid
{
    private readonly NoiseSchedule schedule;

    private DistillationGrid(NoiseSchedule schedule, int[] start, int[] middle, int[] end)
    {
        this.schedule = schedule;
        Start = start;
        Middle = middle;
        End = end;
    }

    /// <summary>S, the student's steps.</summary>
    public int StudentSteps => Start.Count;

    /// <summary>t of student step i: the student's trailing grid, descending.</summary>
    public IReadOnlyList<int> Start { get; }

    /// <summary>t', the teacher's intermediate timestep of step i: the odd entries of the teacher's 2S grid.</summary>
    public IReadOnlyList<int> Middle { get; }

    /// <summary>t'' of step i: the student's next timestep, -1 after the last step (abar = 1).</summary>
    public IReadOnlyList<int> End { get; }

    /// <summary>
    /// The round of a student of <paramref name="studentSteps"/> steps on <paramref name="schedule"/>; throws when 2S
    /// exceeds T or when the teacher's 2S grid does not contain the student's (the rounding of T / S and T / 2S
    /// disagrees), naming the steps that would work.
    /// </summary>
    public static DistillationGrid Trailing(NoiseSchedule schedule, int studentSteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        int timesteps = schedule.Length;
        if (studentSteps < 1 || 2L * studentSteps > timesteps)
        {
            throw new ArgumentOutOfRangeException(nameof(studentSteps), studentSteps,
                $"A student of S steps learns from a teacher at 2S; with T = {timesteps} use S in 1..{timesteps / 2}.");
        }
        var student = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, timesteps, studentSteps);
        var teacher = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, timesteps, 2 * studentSteps);
        var start = new int[studentSteps];
        var middle = new int[studentSteps];
        var end = new int[studentSteps];
        for (int i = 0; i < studentSteps; i++)
        {
            if (teacher[2 * i] != student[i])
            {
                throw new ArgumentException(
                    $"With T = {timesteps}, the teacher's {2 * studentSteps}-step trailing grid does not contain the " +
                    $"student's {studentSteps}-step grid (step {i}: {teacher[2 * i]} against {student[i]}), so the " +
                    "teacher's two steps would not end where the student's one does; use a power of two for S.",
                    nameof(studentSteps));
            }
            start[i] = (int)student[i];
            middle[i] = (int)teacher[2 * i + 1];
            end[i] = i + 1 < studentSteps ? (int)student[i + 1] : -1;
        }
        return new DistillationGrid(schedule, start, middle, end);
    }

    /// <summary>
    /// The training steps a student's DDIM sampler visits in <paramref name="count"/> steps, ascending as
    /// <see cref="Sampling.SamplingLoop.Run"/> takes them: the trailing grid its rounds trained on.
    /// </summary>
    public static int[] SamplerSteps(int timesteps, int count) =>
        InferenceTimesteps.Spaced(TimestepSpacing.Trailing, timesteps, count).Reverse().Select(t => (int)t).ToArray();

    /// <summary>The training timesteps (N, int64) of <paramref name="steps"/> (one of the three lists) at step indices i (N).</summary>
    public Tensor Timesteps(IReadOnlyList<int> steps, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(index);
        using var scope = NewDisposeScope();
        var table = tensor(steps.Select(t => (long)t).ToArray(), dtype: ScalarType.Int64, device: index.device);
        return table.index_select(0, index).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// alpha = sqrt(abar) and sigma = sqrt(1 - abar) at <paramref name="steps"/>[i] for step indices i (N), as float32
    /// (N, 1, ..., 1) for a tensor of rank <paramref name="rank"/> (<see cref="NoiseSchedule.Gather"/>); a step of -1
    /// is the data itself, alpha = 1 and sigma = 0.
    /// </summary>
    public (Tensor Alpha, Tensor Sigma) Coefficients(IReadOnlyList<int> steps, Tensor index, long rank)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(index);
        var alpha = steps.Select(t => t < 0 ? 1.0 : schedule.SqrtAlphasCumprod[t]).ToArray();
        var sigma = steps.Select(t => t < 0 ? 0.0 : schedule.SqrtOneMinusAlphasCumprod[t]).ToArray();
        return (NoiseSchedule.Gather(alpha, index, rank), NoiseSchedule.Gather(sigma, index, rank));
    }

    /// <summary>
    /// The truncated-SNR weight max(SNR(t), 1) of student step i (N), SNR(t) = abar_t / (1 - abar_t) (Salimans and Ho
    /// 2022, Sec. 4), as float32 (N, 1, ..., 1).
    /// </summary>
    public Tensor TruncatedSnrWeight(Tensor index, long rank)
    {
        ArgumentNullException.ThrowIfNull(index);
        var weights = Start.Select(t => Math.Max(schedule.SignalToNoise[t], 1.0)).ToArray();
        return NoiseSchedule.Gather(weights, index, rank);
    }
}
