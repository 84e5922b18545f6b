using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// DdpmScheduler against diffusers' own <c>tests/schedulers/test_scheduler_ddpm.py</c>: its configuration (T = 1000,
/// linear 1e-4..0.02, fixed_small, clip_sample), fixtures and asserted values, with its tolerances.
/// </summary>
public class DdpmSchedulerTests
{
    private static SchedulerConfig DiffusersConfig(PredictionType prediction = PredictionType.Epsilon) => new()
    {
        NumTrainTimesteps = 1000, BetaStart = 0.0001, BetaEnd = 0.02, BetaSchedule = BetaSchedule.Linear,
        ClipSample = true, PredictionType = prediction,
    };

    /// <summary>test_full_loop_no_noise (258.9606, 0.3372) and test_full_loop_with_v_prediction (202.0296, 0.2631): 1000 steps, torch.manual_seed(0).</summary>
    [Theory]
    [InlineData(PredictionType.Epsilon, 258.9606, 0.3372)]
    [InlineData(PredictionType.VPrediction, 202.0296, 0.2631)]
    public void FullLoopReproducesDiffusers(PredictionType prediction, double expectedSum, double expectedMean)
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig(prediction), DdpmVarianceType.FixedSmall);
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var sample = DiffusersFixtures.SampleDeter();
        for (long t = scheduler.Config.NumTrainTimesteps - 1; t >= 0; t--)
        {
            using var stepScope = NewDisposeScope();
            var residual = DiffusersFixtures.Model(sample, t);
            using var output = scheduler.Step(residual, t, sample, generator: generator);
            sample = output.PrevSample.clone().MoveToOuterDisposeScope();
        }
        DiffusersFixtures.AssertSumAndMean(sample, expectedSum, expectedMean);
    }

    /// <summary>test_full_loop_with_noise (387.9466, 0.5051): add_noise at timesteps[998:][:1] = [1], then the steps 1 and 0.</summary>
    [Fact]
    public void FullLoopWithAddedNoiseReproducesDiffusers()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var timesteps = scheduler.Timesteps.Skip(scheduler.Config.NumTrainTimesteps - 2).ToArray();
        Assert.Equal(new long[] { 1, 0 }, timesteps);
        var sample = scheduler.AddNoise(DiffusersFixtures.SampleDeter(), DiffusersFixtures.NoiseDeter(), tensor(new[] { timesteps[0] }));
        foreach (long t in timesteps)
        {
            var residual = DiffusersFixtures.Model(sample, t);
            sample = scheduler.Step(residual, tensor(t), sample, generator: generator).PrevSample;
        }
        DiffusersFixtures.AssertSumAndMean(sample, 387.9466, 0.5051);
    }

    /// <summary>test_variance: beta~ at 0 (clamped to 1e-20), 487 (0.00979) and 999 (0.02), within 1e-5.</summary>
    [Fact]
    public void VarianceReproducesDiffusers()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        Assert.True(Math.Abs(scheduler.GetVariance(0) - 0.0) < 1e-5);
        Assert.True(Math.Abs(scheduler.GetVariance(487) - 0.00979) < 1e-5);
        Assert.True(Math.Abs(scheduler.GetVariance(999) - 0.02) < 1e-5);
    }

    /// <summary>test_custom_timesteps: each custom timestep's previous one is the next in the list, -1 after the last.</summary>
    [Fact]
    public void CustomTimestepsChainAsDiffusers()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        long[] custom = [100, 87, 50, 1, 0];
        scheduler.SetTimesteps(custom);
        for (int i = 0; i < custom.Length; i++)
            Assert.Equal(i == custom.Length - 1 ? -1 : custom[i + 1], scheduler.PreviousTimestep(scheduler.Timesteps[i]));
    }

    /// <summary>test_custom_timesteps_increasing_order and test_custom_timesteps_too_large: both refused, naming the argument.</summary>
    [Fact]
    public void BadCustomTimestepsAreRefused()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        var increasing = Assert.Throws<ArgumentException>(() => scheduler.SetTimesteps(new long[] { 100, 87, 50, 51, 0 }));
        Assert.Equal("timesteps", increasing.ParamName);
        Assert.Contains("descending", increasing.Message);
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(new long[] { 1000 }));
        Assert.Equal("timesteps", tooLarge.ParamName);
    }

    /// <summary>
    /// A per-sample timestep tensor with the caller's noise equals one step per sample at its own timestep, and a
    /// sample at t = 0 gets no noise (Ho et al. 2020, Algorithm 2, line 4).
    /// </summary>
    [Fact]
    public void PerSampleTimestepsWithCallerNoiseEqualSeparateSteps()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var sample = randn([3, 2, 4, 4], generator: generator);
        var output = randn([3, 2, 4, 4], generator: generator);
        var noise = randn([3, 2, 4, 4], generator: generator);
        long[] steps = [900, 0, 431];
        var batched = scheduler.Step(output, tensor(steps), sample, varianceNoise: noise).PrevSample;
        for (int i = 0; i < steps.Length; i++)
        {
            var alone = scheduler.Step(output[i..(i + 1)], steps[i], sample[i..(i + 1)], varianceNoise: noise[i..(i + 1)]).PrevSample;
            Assert.True(alone.allclose(batched[i..(i + 1)], rtol: 1e-6, atol: 1e-7), $"sample {i} at t = {steps[i]}");
        }
        var noiseless = scheduler.Step(output[1..2], 0L, sample[1..2], varianceNoise: noise[1..2] * 100).PrevSample;
        Assert.True(noiseless.allclose(batched[1..2], rtol: 1e-6, atol: 1e-7), "t = 0 adds no noise, whatever the caller's noise");
    }

    /// <summary>The caller's noise is the generator's draw: passing randn from a seeded generator equals passing that generator.</summary>
    [Fact]
    public void CallerNoiseEqualsTheGeneratorsDraw()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter();
        var residual = DiffusersFixtures.Model(sample, 500);
        using var drawing = new Generator(3);
        var drawn = scheduler.Step(residual, 500L, sample, generator: drawing).PrevSample;
        using var same = new Generator(3);
        var given = scheduler.Step(residual, 500L, sample, varianceNoise: randn(sample.shape, generator: same)).PrevSample;
        Assert.True(DiffusersFixtures.BitEqual(drawn, given));
        using var both = new Generator(3);
        var error = Assert.Throws<ArgumentException>(() => scheduler.Step(residual, 500L, sample, generator: both, varianceNoise: sample));
        Assert.Equal("varianceNoise", error.ParamName);
    }

    /// <summary>Learned variance types need the doubled channels; the error names the model output.</summary>
    [Fact]
    public void LearnedVarianceWithoutItsChannelsIsRefused()
    {
        TestTorch.Init();
        using var scheduler = new DdpmScheduler(DiffusersConfig(), DdpmVarianceType.LearnedRange);
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter();
        var error = Assert.Throws<ArgumentException>(() => scheduler.Step(sample, 10L, sample, varianceNoise: sample));
        Assert.Equal("modelOutput", error.ParamName);
    }

    /// <summary>
    /// learned_range at v = -1 is the fixed_small step and at v = 1 the fixed_large one (Nichol and Dhariwal 2021, Eq. 15's
    /// interpolation ends), with the same noise.
    /// </summary>
    [Theory]
    [InlineData(-1.0, DdpmVarianceType.FixedSmall)]
    [InlineData(1.0, DdpmVarianceType.FixedLarge)]
    public void LearnedRangeEndsAreTheFixedVariances(double v, DdpmVarianceType equivalent)
    {
        TestTorch.Init();
        var config = DiffusersConfig() with { DType = ScalarType.Float64 };
        using var learned = new DdpmScheduler(config, DdpmVarianceType.LearnedRange);
        using var fixedScheduler = new DdpmScheduler(config, equivalent);
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter();
        var residual = DiffusersFixtures.Model(sample, 300);
        var noise = DiffusersFixtures.NoiseDeter();
        var withVariance = cat([residual, full_like(residual, v)], 1);
        var a = learned.Step(withVariance, 300L, sample, varianceNoise: noise).PrevSample;
        var b = fixedScheduler.Step(residual, 300L, sample, varianceNoise: noise).PrevSample;
        Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-6));
    }
}
