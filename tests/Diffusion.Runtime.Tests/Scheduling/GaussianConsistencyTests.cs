using System;
using System.Collections.Generic;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// Consistency sampling on Gaussian data x_0 ~ N(mu, tau^2 I), where everything is known in closed form. In the
/// variance-exploding form x(s) = x_0 + s z the marginal at level s is N(mu, tau^2 + s^2), the optimal denoiser is
/// D*(x, s) = E[x_0 | x] = mu + tau^2 / (tau^2 + s^2) (x - mu), and the probability-flow ODE dx/ds = (x - D*) / s
/// (Karras et al. 2022, Eq. 3) solves to x(s) = mu + (x(s') - mu) sqrt(tau^2 + s^2) / sqrt(tau^2 + s'^2), so the exact
/// consistency function is f*(x, s) = mu + (x - mu) sqrt(tau^2 + s_min^2) / sqrt(tau^2 + s^2).
/// </summary>
public class GaussianConsistencyTests
{
    private const double Mu = 0.3, Tau = 0.5, SigmaMax = 80.0;
    private const int Count = 200_000;

    /// <summary>f*(x, s) for the given s_min.</summary>
    private static Tensor ExactF(Tensor x, double sigma, double sigmaMin) =>
        (x - Mu) * (Math.Sqrt(Tau * Tau + sigmaMin * sigmaMin) / Math.Sqrt(Tau * Tau + sigma * sigma)) + Mu;

    /// <summary>D*(x, s) = mu + tau^2 / (tau^2 + s^2) (x - mu).</summary>
    private static Tensor ExactDenoiser(Tensor x, double sigma) => (x - Mu) * (Tau * Tau / (Tau * Tau + sigma * sigma)) + Mu;

    /// <summary>
    /// A network whose raw output F makes c_skip x + c_out F equal f* (F = (f* - c_skip x) / c_out), denoised by the
    /// code under test: the model a perfectly trained consistency model would be.
    /// </summary>
    private static ConsistencyFunction ExactModel(ConsistencyScalings scalings) => (x, s) =>
    {
        var raw = (ExactF(x, s, scalings.SigmaMin) - scalings.CSkip(s) * x) / scalings.COut(s);
        return ConsistencySampler.Denoise(x, raw, s, scalings, clipDenoised: false);
    };

    /// <summary>x_T from the exact marginal at s_max: mu + sqrt(tau^2 + s_max^2) z, float64.</summary>
    private static Tensor NoisyStart(Generator generator) =>
        randn([Count, 1], dtype: ScalarType.Float64, generator: generator) * Math.Sqrt(Tau * Tau + SigmaMax * SigmaMax) + Mu;

    /// <summary>Mean within 5 standard errors of <paramref name="mean"/>, variance within 5 of <paramref name="variance"/>.</summary>
    private static void AssertGaussian(Tensor x, double mean, double variance, string what)
    {
        double m = x.mean().item<double>(), v = x.var().item<double>();
        double meanError = Math.Sqrt(variance / x.numel()), varianceError = variance * Math.Sqrt(2.0 / (x.numel() - 1));
        Assert.True(Math.Abs(m - mean) < 5 * meanError, $"{what}: mean {m}, exact {mean} (standard error {meanError})");
        Assert.True(Math.Abs(v - variance) < 5 * varianceError, $"{what}: variance {v}, exact {variance} (standard error {varianceError})");
    }

    /// <summary>One step maps each x_T to the ODE solution at s_min and the marginal N(mu, tau^2 + s_max^2) onto N(mu, tau^2 + s_min^2).</summary>
    [Fact]
    public void OneStepOfTheExactModelIsTheExactSample()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(10);
        var scalings = new ConsistencyScalings(0.002, 0.5);
        var start = NoisyStart(generator);
        var sample = ConsistencySampler.Sample(ExactModel(scalings), start, [SigmaMax], scalings.SigmaMin);
        var ode = (start - Mu) * (Math.Sqrt(Tau * Tau + 0.002 * 0.002) / Math.Sqrt(Tau * Tau + SigmaMax * SigmaMax)) + Mu;
        double worst = (sample - ode).abs().max().item<double>();
        Assert.True(worst < 1e-12, $"per-sample distance to the ODE solution {worst}");
        AssertGaussian(sample, Mu, Tau * Tau + 0.002 * 0.002, "one-step sample");
    }

    /// <summary>Algorithm 1 with one level is f(x_T, s_1) bit for bit, and draws nothing.</summary>
    [Fact]
    public void OneLevelMultistepIsOneStepBitForBit()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var scalings = new ConsistencyScalings(0.002, 0.5);
        var model = ExactModel(scalings);
        var start = NoisyStart(generator);
        using var passed = new Generator(12);
        using var fresh = new Generator(12);
        var multistep = ConsistencySampler.Sample(model, start, [SigmaMax], scalings.SigmaMin, passed);
        Assert.True(DiffusersFixtures.BitEqual(multistep, model(start, SigmaMax)));
        Assert.True(DiffusersFixtures.BitEqual(randn([8], generator: passed), randn([8], generator: fresh)), "one level must not draw");
    }

    /// <summary>
    /// With the exact f*, every re-noised input is distributed as the exact marginal N(mu, tau^2 + s_n^2) (f* carries
    /// tau^2 + s_min^2, the re-noising adds s_n^2 - s_min^2), and the result as N(mu, tau^2 + s_min^2). s_min = 0.2 makes
    /// the s_min^2 in sqrt(s_n^2 - s_min^2) visible to the test.
    /// </summary>
    [Fact]
    public void MultistepMarginalsStayExact()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        const double sigmaMin = 0.2;
        var scalings = new ConsistencyScalings(sigmaMin, 0.5);
        var exact = ExactModel(scalings);
        var inputs = new List<(double Level, Tensor Input)>();
        ConsistencyFunction recording = (x, s) =>
        {
            inputs.Add((s, x.detach().clone().DetachFromDisposeScope()));     // kept past the sampler's scopes
            return exact(x, s);
        };
        double[] levels = [SigmaMax, 3.0, 1.0, 0.4];
        var sample = ConsistencySampler.Sample(recording, NoisyStart(generator), levels, sigmaMin, generator);
        Assert.Equal(levels, inputs.ConvertAll(p => p.Level));
        foreach (var (level, input) in inputs)
        {
            using (input) AssertGaussian(input, Mu, Tau * Tau + level * level, $"input at s = {level}");
        }
        AssertGaussian(sample, Mu, Tau * Tau + sigmaMin * sigmaMin, "multistep sample");
    }

    /// <summary>
    /// The exact D* through DenoiserConsistency: at s = s_min it is x = f*(x, s_min) exactly; with s_min = 0 it is D*
    /// itself, the teacher's one-step denoiser, which is not f* (D* shrinks towards mu by tau^2 / (tau^2 + s^2), f* by
    /// tau / sqrt(tau^2 + s^2)): consistency is what distillation adds.
    /// </summary>
    [Fact]
    public void ExactDenoiserMeetsTheConsistencyFunctionWhereItMust()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(14);
        var x = randn([1000], dtype: ScalarType.Float64, generator: generator) * 3 + Mu;
        var scalings = new ConsistencyScalings(0.002, 0.5);
        var atMinimum = DenoiserConsistency.Apply(x, ExactDenoiser(x, 0.002), 0.002, scalings);
        Assert.True(DiffusersFixtures.BitEqual(atMinimum, x));
        Assert.True(ExactF(x, 0.002, 0.002).allclose(x, rtol: 0, atol: 1e-15));
        foreach (double s in new[] { 0.05, 1.0, 20.0 })
        {
            var f = DenoiserConsistency.Apply(x, ExactDenoiser(x, s), s, ConsistencyScalings.Edm(0.5));
            Assert.True(f.allclose(ExactDenoiser(x, s), rtol: 1e-12, atol: 1e-12), $"s_min = 0: f = D at s = {s}");
            double gap = (f - ExactF(x, s, 0.0)).abs().max().item<double>();
            Assert.True(gap > 1e-3, $"D* equals f* at s = {s} (gap {gap})");
        }
    }
}
