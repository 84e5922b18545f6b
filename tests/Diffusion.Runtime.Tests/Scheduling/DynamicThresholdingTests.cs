using System;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// Dynamic thresholding (Saharia et al. 2022, Sec. 2.3) on hand-worked cases: s = quantile_p(|x0_hat|) per sample
/// (linear interpolation, torch.quantile's default), clamped to [1, MaxValue], then clip(x0_hat, -s, s) / s.
/// </summary>
public class DynamicThresholdingTests
{
    /// <summary>
    /// Sample 1: |x| = 1, 2, 3, 4, median 2.5 (halfway between 2 and 3), so x / 2.5 clipped: 0.4, -0.8, 1, -1.
    /// Sample 2: |x| = 0.1..0.4, median 0.25 clamped up to 1: unchanged.
    /// </summary>
    [Fact]
    public void QuantileIsPerSampleAndClampedToAtLeastOne()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, -2, 3, -4, 0.1f, -0.2f, 0.3f, -0.4f }).reshape(2, 1, 2, 2);
        var result = new DynamicThresholding(Ratio: 0.5, MaxValue: 10).Apply(x).reshape(2, 4);
        var expected = tensor(new float[] { 0.4f, -0.8f, 1, -1, 0.1f, -0.2f, 0.3f, -0.4f }).reshape(2, 4);
        Assert.True(result.allclose(expected, rtol: 1e-6, atol: 1e-7));
    }

    /// <summary>s = clamp(max |x| = 3, 1, 2.5) = 2.5 at Ratio 1: -3, 0.5, 2 become -1, 0.2, 0.8.</summary>
    [Fact]
    public void MaxValueCapsTheThreshold()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -3, 0.5f, 2 }).reshape(1, 3);
        var result = new DynamicThresholding(Ratio: 1.0, MaxValue: 2.5).Apply(x);
        Assert.True(result.allclose(tensor(new float[] { -1, 0.2f, 0.8f }).reshape(1, 3), rtol: 1e-6, atol: 1e-7));
    }

    /// <summary>Out-of-range settings are refused by the config's validation, naming the field.</summary>
    [Fact]
    public void BadSettingsAreNamed()
    {
        Assert.Equal("Ratio", Assert.Throws<ArgumentOutOfRangeException>(() => new SchedulerConfig { Thresholding = new DynamicThresholding(Ratio: 0) }.Validate()).ParamName);
        Assert.Equal("MaxValue", Assert.Throws<ArgumentOutOfRangeException>(() => new SchedulerConfig { Thresholding = new DynamicThresholding(MaxValue: -1) }.Validate()).ParamName);
    }
}
