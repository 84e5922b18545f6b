using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// ConsistencyScheduler against diffusers' own <c>tests/schedulers/test_scheduler_consistency_model.py</c>: its
/// configuration (N = 201, s_min 0.002, s_max 80), its loops (scale_model_input, dummy_model, step with
/// torch.manual_seed(0)) over <c>scheduler.timesteps</c>, and its asserted values with its tolerances.
/// </summary>
public class ConsistencySchedulerTests
{
    private static ConsistencySchedulerConfig DiffusersConfig() => new() { NumTrainTimesteps = 201, SigmaMin = 0.002, SigmaMax = 80.0 };

    /// <summary>diffusers' loop: sample = dummy_sample_deter * init_noise_sigma, then scale, model, step for each timestep.</summary>
    private static Tensor FullLoop(ConsistencyScheduler scheduler)
    {
        using var generator = new Generator(0);
        using var sigmaMax = scheduler.InitNoiseSigma.ToScalar();
        var sample = DiffusersFixtures.SampleDeter().mul(sigmaMax);
        foreach (double t in scheduler.Timesteps)
        {
            var scaled = scheduler.ScaleModelInput(sample, t);
            var residual = DiffusersFixtures.Model(scaled, t);
            sample = scheduler.Step(residual, t, sample, generator).PrevSample;
        }
        return sample;
    }

    /// <summary>test_full_loop_no_noise_onestep: set_timesteps(1) gives (192.7614, 0.2510).</summary>
    [Fact]
    public void OneStepLoopReproducesDiffusers()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var scheduler = new ConsistencyScheduler(DiffusersConfig());
        scheduler.SetTimesteps(1);
        Assert.Equal(new[] { 250 * Math.Log(80.0 + 1e-44) }, scheduler.Timesteps.ToArray());
        DiffusersFixtures.AssertSumAndMean(FullLoop(scheduler), 192.7614, 0.2510);
    }

    /// <summary>test_full_loop_no_noise_multistep: custom timesteps [106, 0] give (347.6357, 0.4527).</summary>
    [Fact]
    public void MultistepLoopReproducesDiffusers()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var scheduler = new ConsistencyScheduler(DiffusersConfig());
        scheduler.SetTimesteps(new long[] { 106, 0 });
        Assert.True(scheduler.CustomTimesteps);
        DiffusersFixtures.AssertSumAndMean(FullLoop(scheduler), 347.6357, 0.4527);
    }

    /// <summary>
    /// The levels of custom timesteps: index 0 is s_max, index i the Karras level at ramp i / (N - 1) counted from
    /// s_max (openai/consistency_models' stochastic_iterative_sampler), then s_min; timesteps 250 log s.
    /// </summary>
    [Fact]
    public void CustomTimestepsSelectKarrasLevelsFromTheMaximum()
    {
        var scheduler = new ConsistencyScheduler(DiffusersConfig());
        scheduler.SetTimesteps(new long[] { 106, 0 });
        double rho = 7, maxRoot = Math.Pow(80.0, 1 / rho), minRoot = Math.Pow(0.002, 1 / rho);
        double level = Math.Pow(maxRoot + 106.0 / 200 * (minRoot - maxRoot), rho);
        Assert.Equal(new[] { 80.0, (float)level, (float)0.002 }.Select(v => (double)(float)v), scheduler.Sigmas);
        Assert.Equal(250 * Math.Log(level), scheduler.Timesteps[1], 9);
    }

    /// <summary>set_timesteps(S) with N = 201: indices 0, r, 2r, ... with r = 201 div S, from s_max down.</summary>
    [Fact]
    public void CountedTimestepsAreEvenlySpacedIndices()
    {
        var scheduler = new ConsistencyScheduler(DiffusersConfig());
        scheduler.SetTimesteps(4);
        var expected = new[] { 0, 50, 100, 150 }.Select(i => 250 * Math.Log(new KarrasSigmas(0.002, 80).FromMaximum(i / 200.0)));
        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Equal(4, scheduler.NumInferenceSteps);
    }

    /// <summary>test_custom_timesteps_increasing_order and test_custom_timesteps_too_large; also counts out of range.</summary>
    [Fact]
    public void BadTimestepsAreRefused()
    {
        var scheduler = new ConsistencyScheduler(DiffusersConfig());
        Assert.Throws<ArgumentException>(() => scheduler.SetTimesteps(new long[] { 39, 30, 12, 15, 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(new long[] { 201 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(new long[] { 3, -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(202));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(0));
        scheduler.SetTimesteps(2);
        using var sample = DiffusersFixtures.SampleDeter();
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(sample, 1.5, sample));
    }

    /// <summary>diffusers' defaults: N = 40, s_min 0.002, s_max 80, sigma_data 0.5, s_noise 1, rho 7, clip_denoised.</summary>
    [Fact]
    public void DefaultsAreDiffusers()
    {
        var config = new ConsistencySchedulerConfig();
        Assert.Equal((40, 0.002, 80.0, 0.5, 1.0, 7.0, true),
            (config.NumTrainTimesteps, config.SigmaMin, config.SigmaMax, config.SigmaData, config.SNoise, config.Rho, config.ClipDenoised));
        var scheduler = new ConsistencyScheduler();
        Assert.Equal(40, scheduler.Timesteps.Count);
        Assert.Equal(41, scheduler.Sigmas.Count);
        Assert.Equal(250 * Math.Log(80.0), scheduler.Timesteps[0], 12);
    }

    /// <summary>
    /// One step is the pure denoiser bit for bit (no draw, no noise added) and scale_model_input is x / sqrt(s^2 + sd^2);
    /// a two-step schedule draws one z per step from the generator, the last step included.
    /// </summary>
    [Fact]
    public void StepIsThePureFunctionsAndDrawsAsDiffusers()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var config = DiffusersConfig() with { ClipDenoised = false };
        var scheduler = new ConsistencyScheduler(config);
        scheduler.SetTimesteps(1);
        var x = DiffusersFixtures.SampleDeter() * 80.0f;
        var output = x * 0.1f;
        double t = scheduler.Timesteps[0];
        var scaled = scheduler.ScaleModelInput(x, t);
        Assert.True(scaled.allclose(x / (float)Math.Sqrt(80.0 * 80.0 + 0.25), rtol: 1e-6, atol: 0));
        using var passed = new Generator(3);
        using var fresh = new Generator(3);
        var step = scheduler.Step(output, t, x, passed);
        var pure = ConsistencySampler.Denoise(x, output, tensor(80.0f), config.Scalings, clipDenoised: false);
        Assert.True(DiffusersFixtures.BitEqual(step.PrevSample, pure));
        Assert.True(DiffusersFixtures.BitEqual(step.PredOriginalSample, pure));
        Assert.True(DiffusersFixtures.BitEqual(randn([8], generator: passed), randn([8], generator: fresh)), "one step must not draw");

        scheduler.SetTimesteps(2);
        using var generator = new Generator(5);
        using var replay = new Generator(5);
        foreach (double ti in scheduler.Timesteps)
        {
            int i = scheduler.IndexOf(ti);
            var next = scheduler.Step(output, ti, x, generator);
            var z = randn(x.shape, generator: replay);
            var expected = ConsistencySampler.Renoise(next.PredOriginalSample, tensor((float)scheduler.Sigmas[i + 1]), 0.002, z);
            Assert.True(DiffusersFixtures.BitEqual(next.PrevSample, expected));
        }
        Assert.True(DiffusersFixtures.BitEqual(randn([8], generator: generator), randn([8], generator: replay)), "one draw per step, the last included");
    }
}
