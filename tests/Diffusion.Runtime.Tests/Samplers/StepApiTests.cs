using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Samplers;

/// <summary>
/// The public, stateless step API: Schedule.Transition between any two training steps, and the generated DdpmStep and
/// DdimStep, which a user drives with any model function.
/// </summary>
public class StepApiTests
{
    [Fact]
    public void Transition_between_respaced_steps_equals_the_respaced_process()
    {
        var schedule = NoiseSchedule.Cosine(1000);
        var steps = NoiseSchedule.EvenlySpacedSteps(1000, 37);
        var respaced = schedule.Respace(steps);
        for (int i = 0; i < steps.Length; i++)
        {
            var transition = schedule.Transition(steps[i], i > 0 ? steps[i - 1] : -1);
            Assert.Equal(respaced.Betas[i], transition.Beta, 12);
            Assert.Equal(respaced.AlphasCumprod[i], transition.AlphaBar, 12);
            Assert.Equal(respaced.PosteriorVariance[i], transition.PosteriorVariance, 12);
            Assert.Equal(respaced.PosteriorMeanCoef1[i], transition.PosteriorMeanCoef1, 12);
            Assert.Equal(respaced.PosteriorMeanCoef2[i], transition.PosteriorMeanCoef2, 12);
        }
    }

    [Fact]
    public void Transition_rejects_steps_out_of_order_naming_the_argument()
    {
        var schedule = NoiseSchedule.Linear(100);
        Assert.Equal("previous", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Transition(3, 3)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Transition(100, 2)).ParamName);
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm)]
    [InlineData(SamplerKind.Ddim)]
    public void A_hand_written_loop_over_the_step_equals_the_generated_sampler(SamplerKind kind)
    {
        TestTorch.Init();
        var model = new TinyLinearModel();
        var oracle = new GaussianOracle(model.Schedule, [0.3], 0.2).Denoiser;
        using var first = new Generator(17);
        using var sampled = model.Sample(kind, new SampleRequest(16, Steps: 25, Eta: 0.5) { Thresholding = Thresholding.None }, first, oracle);

        using var second = new Generator(17);
        var steps = NoiseSchedule.EvenlySpacedSteps(1000, 25);
        var x = randn([16, 1, 4, 4], generator: second);
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            using var t = full([16], steps[i], dtype: ScalarType.Int64);
            using var output = oracle(x, t, null);
            int previous = i > 0 ? steps[i - 1] : -1;
            var next = kind == SamplerKind.Ddpm
                ? model.DdpmStep(x, steps[i], previous, output, second, Thresholding.None)
                : model.DdimStep(x, steps[i], previous, output, 0.5, second, Thresholding.None);
            x.Dispose();
            x = next;
        }
        Assert.True(x.equal(sampled).all().item<bool>());
        x.Dispose();
    }

    /// <summary>
    /// Learned variance in the DDPM step: with x_t = 0 and a zero noise prediction the step is sigma_t z, and v = +1
    /// gives sigma_t^2 = beta_t, v = -1 gives beta~_t (Nichol and Dhariwal 2021, Eq. 15), here on a respaced pair.
    /// </summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    public void Learned_variance_interpolates_between_beta_tilde_and_beta(double v)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLearnedModel();
        const int step = 400, previous = 300, n = 20000;
        var x = zeros(n, 1, 4, 4);
        var output = cat([zeros(n, 1, 4, 4), full([n, 1, 4, 4], v)], 1);
        using var generator = new Generator(2);
        var next = model.DdpmStep(x, step, previous, output, generator, Thresholding.None);
        var transition = model.Schedule.Transition(step, previous);
        double f = (v + 1) / 2;
        double expected = Math.Exp(f * Math.Log(transition.Beta) + (1 - f) * Math.Log(transition.PosteriorVariance));
        double measured = next.to(ScalarType.Float64).var().item<double>();
        Assert.Equal(expected, measured, expected * 0.02); // 320,000 draws: the variance estimate is within 0.5%
        Assert.True(transition.Beta > 1.2 * transition.PosteriorVariance, "the two ends must differ for the test to mean anything");
    }
}
