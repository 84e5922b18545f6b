using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// DdimScheduler against diffusers' own <c>tests/schedulers/test_scheduler_ddim.py</c>: its configuration (T = 1000,
/// linear 1e-4..0.02, clip_sample), its 10-step eta = 0 loop over <c>scheduler.timesteps</c>, and its asserted values
/// with its tolerances.
/// </summary>
public class DdimSchedulerTests
{
    private static SchedulerConfig DiffusersConfig() => new()
    {
        NumTrainTimesteps = 1000, BetaStart = 0.0001, BetaEnd = 0.02, BetaSchedule = BetaSchedule.Linear, ClipSample = true,
    };

    /// <summary>diffusers' <c>full_loop</c>: set_timesteps(10), then step(model(sample, t), t, sample, eta = 0) for each t.</summary>
    private static Tensor FullLoop(DdimScheduler scheduler)
    {
        scheduler.SetTimesteps(10);
        var sample = DiffusersFixtures.SampleDeter();
        foreach (long t in scheduler.Timesteps)
        {
            var residual = DiffusersFixtures.Model(sample, t);
            sample = scheduler.Step(residual, tensor(t), sample, eta: 0.0).PrevSample;
        }
        return sample;
    }

    /// <summary>
    /// test_full_loop_no_noise (172.0067, 0.223967), test_full_loop_with_v_prediction (52.5302, 0.0684),
    /// test_full_loop_with_set_alpha_to_one (beta_start 0.01: 149.8295, 0.1951) and
    /// test_full_loop_with_no_set_alpha_to_one (149.0784, 0.1941). diffusers asserts the mean within 1e-3.
    /// </summary>
    [Theory]
    [InlineData(PredictionType.Epsilon, 0.0001, true, 172.0067, 0.223967)]
    [InlineData(PredictionType.VPrediction, 0.0001, true, 52.5302, 0.0684)]
    [InlineData(PredictionType.Epsilon, 0.01, true, 149.8295, 0.1951)]
    [InlineData(PredictionType.Epsilon, 0.01, false, 149.0784, 0.1941)]
    public void FullLoopReproducesDiffusers(PredictionType prediction, double betaStart, bool setAlphaToOne, double expectedSum, double expectedMean)
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig() with { PredictionType = prediction, BetaStart = betaStart }, setAlphaToOne);
        using var scope = NewDisposeScope();
        DiffusersFixtures.AssertSumAndMean(FullLoop(scheduler), expectedSum, expectedMean);
    }

    /// <summary>test_full_loop_with_noise (354.5418, 0.4616): add_noise at timesteps[8:][:1] = [100], then the steps 100 and 0.</summary>
    [Fact]
    public void FullLoopWithAddedNoiseReproducesDiffusers()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        scheduler.SetTimesteps(10);
        var timesteps = scheduler.Timesteps.Skip(8).ToArray();
        Assert.Equal(new long[] { 100, 0 }, timesteps);
        var sample = scheduler.AddNoise(DiffusersFixtures.SampleDeter(), DiffusersFixtures.NoiseDeter(), tensor(new[] { timesteps[0] }));
        foreach (long t in timesteps)
            sample = scheduler.Step(DiffusersFixtures.Model(sample, t), tensor(t), sample, eta: 0.0).PrevSample;
        DiffusersFixtures.AssertSumAndMean(sample, 354.5418, 0.4616);
    }

    /// <summary>test_variance: (0, 0) = 0, (420, 400) = 0.14771, (980, 960) = 0.32460, (487, 486) = 0.00979, (999, 998) = 0.02, within 1e-5.</summary>
    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(420, 400, 0.14771)]
    [InlineData(980, 960, 0.32460)]
    [InlineData(487, 486, 0.00979)]
    [InlineData(999, 998, 0.02)]
    public void VarianceReproducesDiffusers(long t, long previous, double expected)
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig());
        double variance = scheduler.GetVariance(t, previous);
        Assert.True(Math.Abs(variance - expected) < 1e-5, $"variance({t}, {previous}) = {variance}, diffusers {expected}");
    }

    /// <summary>test_steps_offset: leading spacing with steps_offset = 1 and 5 steps is [801, 601, 401, 201, 1].</summary>
    [Fact]
    public void StepsOffsetReproducesDiffusers()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig() with { StepsOffset = 1 });
        Assert.Equal(new long[] { 801, 601, 401, 201, 1 }, scheduler.SetTimesteps(5));
    }

    /// <summary>At eta = 0 the step needs no generator, and a generator passed anyway is not advanced (no draw at all).</summary>
    [Fact]
    public void DeterministicStepNeedsNoGeneratorAndDrawsNothing()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        scheduler.SetTimesteps(10);
        var sample = DiffusersFixtures.SampleDeter();
        var residual = DiffusersFixtures.Model(sample, 500);
        var without = scheduler.Step(residual, 500L, sample).PrevSample;
        using var passed = new Generator(11);
        var with = scheduler.Step(residual, 500L, sample, generator: passed).PrevSample;
        Assert.True(DiffusersFixtures.BitEqual(without, with));
        using var fresh = new Generator(11);
        Assert.True(DiffusersFixtures.BitEqual(randn([8], generator: passed), randn([8], generator: fresh)), "eta = 0 must not draw from the generator");
    }

    /// <summary>
    /// At eta &gt; 0 every step draws once, the last step (s &lt; 0) included, as diffusers does: after a 3-step loop the
    /// generator is where three draws of the sample's shape leave it, and the caller's noise reproduces the loop.
    /// </summary>
    [Fact]
    public void StochasticStepsDrawOncePerStepIncludingTheLast()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        scheduler.SetTimesteps(3);
        using var generator = new Generator(5);
        using var replay = new Generator(5);
        var sample = DiffusersFixtures.SampleDeter();
        var replayed = sample;
        foreach (long t in scheduler.Timesteps)
        {
            sample = scheduler.Step(DiffusersFixtures.Model(sample, t), t, sample, eta: 0.5, generator: generator).PrevSample;
            var z = randn(replayed.shape, generator: replay);
            replayed = scheduler.Step(DiffusersFixtures.Model(replayed, t), t, replayed, eta: 0.5, varianceNoise: z).PrevSample;
        }
        Assert.True(scheduler.PreviousTimestep(scheduler.Timesteps[^1]) < 0, "the loop's last step ends the chain");
        Assert.True(DiffusersFixtures.BitEqual(sample, replayed));
        Assert.True(DiffusersFixtures.BitEqual(randn([8], generator: generator), randn([8], generator: replay)), "one draw per step, the last included");
    }

    /// <summary>
    /// use_clipped_model_output: with clipping that bites, re-deriving eps_hat from the clipped x0_hat changes the step;
    /// without clipping it is the same step (diffusers' docstring: "If no clipping has happened ... no effect").
    /// </summary>
    [Fact]
    public void ClippedModelOutputMattersOnlyWhenClippingBites()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter() * 4;                   // x0_hat well outside [-1, 1] at t = 100
        var residual = DiffusersFixtures.Model(sample, 100);
        using var clipping = new DdimScheduler(DiffusersConfig());
        var plain = clipping.Step(residual, 100L, sample, previousTimestep: 0L).PrevSample;
        var clipped = clipping.Step(residual, 100L, sample, useClippedModelOutput: true, previousTimestep: 0L).PrevSample;
        Assert.False(plain.allclose(clipped, rtol: 1e-3, atol: 1e-4));
        using var open = new DdimScheduler(DiffusersConfig() with { ClipSample = false });
        var a = open.Step(residual, 100L, sample, previousTimestep: 0L).PrevSample;
        var b = open.Step(residual, 100L, sample, useClippedModelOutput: true, previousTimestep: 0L).PrevSample;
        Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-5));
    }

    /// <summary>
    /// A step to the same timestep (s = t) has sigma = 0 and keeps x_t: sqrt(abar_t) x0_hat + sqrt(1 - abar_t) eps_hat
    /// = x_t by Ho et al. 2020, Eq. 4 (the old NoiseSchedule.Transition(t, t) threw).
    /// </summary>
    [Fact]
    public void StepToTheSameTimestepKeepsTheSample()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig() with { ClipSample = false, DType = ScalarType.Float64 });
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter().to(ScalarType.Float64);
        var residual = DiffusersFixtures.NoiseDeter().to(ScalarType.Float64);
        var same = scheduler.Step(residual, 420L, sample, eta: 1.0, previousTimestep: 420L, varianceNoise: residual).PrevSample;
        Assert.True(same.allclose(sample, rtol: 1e-12, atol: 1e-12));
    }

    /// <summary>Without SetTimesteps and without an explicit previous timestep, DDIM cannot know where to go: a clear error.</summary>
    [Fact]
    public void PreviousTimestepNeedsTheInferenceSteps()
    {
        TestTorch.Init();
        using var scheduler = new DdimScheduler(DiffusersConfig());
        using var scope = NewDisposeScope();
        var sample = DiffusersFixtures.SampleDeter();
        var error = Assert.Throws<InvalidOperationException>(() => scheduler.Step(sample, 10L, sample));
        Assert.Contains("SetTimesteps", error.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(sample, 1000L, sample, previousTimestep: 0L));
        Assert.Equal("timestep", range.ParamName);
        var eta = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(sample, 10L, sample, eta: -0.1, previousTimestep: 0L));
        Assert.Equal("eta", eta.ParamName);
    }
}
