using System;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;
using Xunit;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// Inference timesteps against diffusers' published ones (test_scheduler_ddim.py's steps offset) and against the
/// defining formulas worked by hand: trailing round(T - k T / S) - 1, linspace round(k (T - 1) / (S - 1)) and
/// improved-diffusion's accumulated stride, all rounding half to even as numpy and Python do.
/// </summary>
public class InferenceTimestepsTests
{
    /// <summary>diffusers' test_steps_offset: leading, T = 1000, S = 5, offset 1.</summary>
    [Fact]
    public void LeadingWithOffsetIsDiffusers() =>
        Assert.Equal(new long[] { 801, 601, 401, 201, 1 }, InferenceTimesteps.Spaced(TimestepSpacing.Leading, 1000, 5, stepsOffset: 1));

    /// <summary>Leading 1000/10: k * 100 for k = 9..0 (diffusers' full loops visit 900..0).</summary>
    [Fact]
    public void LeadingIsMultiplesOfTheIntegerRatio() =>
        Assert.Equal(new long[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 }, InferenceTimesteps.Spaced(TimestepSpacing.Leading, 1000, 10));

    /// <summary>Trailing 1000/10: 1000 - 100 k - 1 (Lin et al. 2024, Table 2: it starts at the last timestep).</summary>
    [Fact]
    public void TrailingStartsAtTheLastTimestep() =>
        Assert.Equal(new long[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 }, InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, 10));

    /// <summary>Trailing 1000/3: 1000, 666.67, 333.33 round to 1000, 667, 333, minus 1.</summary>
    [Fact]
    public void TrailingRoundsFractionalStrides() =>
        Assert.Equal(new long[] { 999, 666, 332 }, InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, 3));

    /// <summary>Linspace 1000/10: 999 / 9 = 111 exactly, so 999, 888, ..., 0.</summary>
    [Fact]
    public void LinspaceIncludesBothEnds() =>
        Assert.Equal(new long[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 }, InferenceTimesteps.Spaced(TimestepSpacing.Linspace, 1000, 10));

    /// <summary>Linspace 1000/7: k * 166.5 rounds half to even (numpy): 166.5 -> 166, 499.5 -> 500, 832.5 -> 832.</summary>
    [Fact]
    public void LinspaceRoundsHalfToEven() =>
        Assert.Equal(new long[] { 999, 832, 666, 500, 333, 166, 0 }, InferenceTimesteps.Spaced(TimestepSpacing.Linspace, 1000, 7));

    /// <summary>
    /// improved-diffusion's space_timesteps(1000, "7"): stride 166.5 accumulated, Python's round half to even, so 166 and
    /// 832, where NoiseSchedule.EvenlySpacedSteps (unchanged here) rounds half away from zero to 167 and 833.
    /// </summary>
    [Fact]
    public void ImprovedDiffusionRoundsHalfToEvenUnlikeEvenlySpacedSteps()
    {
        Assert.Equal(new long[] { 0, 166, 333, 500, 666, 832, 999 }, InferenceTimesteps.ImprovedDiffusion(1000, 7));
        Assert.Equal(new long[] { 999, 832, 666, 500, 333, 166, 0 }, InferenceTimesteps.Spaced(TimestepSpacing.ImprovedDiffusion, 1000, 7));
        Assert.Equal(new[] { 0, 167, 333, 500, 666, 833, 999 }, NoiseSchedule.EvenlySpacedSteps(1000, 7));
    }

    /// <summary>
    /// Sections: space_timesteps(300, "10,15,20") cuts 0..299 into three sections of 100 and takes 10, 15 and 20 steps;
    /// its first section has stride 99 / 9 = 11 exactly: 0, 11, ..., 99.
    /// </summary>
    [Fact]
    public void ImprovedDiffusionSectionsSpaceEachSection()
    {
        var steps = InferenceTimesteps.ImprovedDiffusion(300, 10, 15, 20);
        Assert.Equal(45, steps.Length);
        Assert.Equal(new long[] { 0, 11, 22, 33, 44, 55, 66, 77, 88, 99 }, steps[..10]);
        Assert.Equal(100, steps[10]);
        Assert.Equal(199, steps[24]);
        Assert.Equal(200, steps[25]);
        Assert.Equal(299, steps[^1]);
    }

    /// <summary>A single improved-diffusion step is the section's start (frac_stride = 1, round(0)), not T - 1.</summary>
    [Fact]
    public void ImprovedDiffusionSingleStepIsTheStart() => Assert.Equal(new long[] { 0 }, InferenceTimesteps.ImprovedDiffusion(1000, 1));

    /// <summary>Impossible counts and offsets are refused, naming the argument.</summary>
    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.Spaced(TimestepSpacing.Leading, 1000, 1001)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, 0)).ParamName);
        Assert.Equal("stepsOffset", Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.Spaced(TimestepSpacing.Leading, 1000, 1000, stepsOffset: 1)).ParamName);
        Assert.Equal("sectionCounts", Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.ImprovedDiffusion(10, 11)).ParamName);
    }
}
