using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Autoencoder;

/// <summary>
/// The posterior's KL to N(0, I) against its closed form (Kingma and Welling 2014, Appendix B), a case by hand and a
/// Monte-Carlo estimate through <see cref="DiagonalGaussian.Sample"/>; the clamp and the split of the moments.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class DiagonalGaussianTests
{
    private static Tensor Latent(params double[] values) => tensor(values, dtype: ScalarType.Float64).reshape(1, values.Length, 1, 1);

    [Fact]
    public void Kl_of_a_case_computed_by_hand()
    {
        TestTorch.Init();
        // mu = (1, -2, 0), sigma^2 = (1, 4, e^-2):
        // 0.5 [(1 + 1 - 1 - 0) + (4 + 4 - 1 - ln 4) + (0 + e^-2 - 1 + 2)] = 0.5 [1 + 7 - ln 4 + 1 + e^-2]
        using var gaussian = new DiagonalGaussian(Latent(1, -2, 0), Latent(0, Math.Log(4), -2));
        double expected = 0.5 * (9 - Math.Log(4) + Math.Exp(-2));
        Assert.Equal(expected, gaussian.KlToStandardNormal().item<double>(), 12);
        Assert.Equal(3.8745205, expected, 6);
    }

    [Fact]
    public void Kl_is_zero_exactly_at_the_standard_normal_and_sums_over_latent_elements_per_sample()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var standard = new DiagonalGaussian(zeros(2, 3, 4, 4, dtype: ScalarType.Float64), zeros(2, 3, 4, 4, dtype: ScalarType.Float64));
        Assert.Equal(new double[] { 0, 0 }, standard.KlToStandardNormal().data<double>().ToArray());
        // Each element with mu = 1, sigma = 1 adds 0.5: 48 elements per sample.
        using var shifted = new DiagonalGaussian(ones(2, 3, 4, 4, dtype: ScalarType.Float64), zeros(2, 3, 4, 4, dtype: ScalarType.Float64));
        Assert.Equal(new double[] { 24, 24 }, shifted.KlToStandardNormal().data<double>().ToArray());
    }

    [Fact]
    public void Kl_matches_the_per_element_textbook_form()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var mean = randn(4, 2, 3, 3, dtype: ScalarType.Float64, generator: generator) * 2;
        var logVariance = randn(4, 2, 3, 3, dtype: ScalarType.Float64, generator: generator) * 3;
        using var gaussian = new DiagonalGaussian(mean, logVariance);
        // KL(N(mu, s^2) || N(0, 1)) = -log s + (s^2 + mu^2) / 2 - 1/2, per element, summed over the latent.
        var sigma = (logVariance / 2).exp();
        var expected = (-sigma.log() + (sigma.square() + mean.square()) / 2 - 0.5).sum(new long[] { 1, 2, 3 });
        Assert.True(allclose(expected, gaussian.KlToStandardNormal(), rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Kl_matches_a_monte_carlo_estimate_through_the_sampler()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        // One posterior repeated over many rows: each row of Sample is one draw of z ~ q.
        const int draws = 200_000;
        var mu = Latent(0.5, -1.0, 2.0).expand(draws, 3, 1, 1).contiguous();
        var logVariance = Latent(Math.Log(0.25), 0.0, Math.Log(2.0)).expand(draws, 3, 1, 1).contiguous();
        using var q = new DiagonalGaussian(mu, logVariance);
        using var generator = new Generator(7);
        var z = q.Sample(generator);
        // log q(z) - log p(z), with the 0.5 log(2 pi) terms cancelling.
        var logQ = (-0.5 * (z - mu).square() / logVariance.exp() - 0.5 * logVariance).sum(new long[] { 1, 2, 3 });
        var logP = (-0.5 * z.square()).sum(new long[] { 1, 2, 3 });
        double estimate = (logQ - logP).mean().item<double>();
        double exact = q.KlToStandardNormal()[0].item<double>();
        double standardError = (logQ - logP).std().item<double>() / Math.Sqrt(draws);
        Assert.True(Math.Abs(estimate - exact) < 5 * standardError, $"Monte Carlo {estimate:F5} vs closed form {exact:F5} (s.e. {standardError:F5})");
        // The draws have the posterior's moments.
        Assert.True(allclose(z.mean(new long[] { 0 }), mu[0], atol: 0.01));
        Assert.True(allclose(z.std(new long[] { 0 }), (logVariance[0] / 2).exp(), atol: 0.01));
    }

    [Fact]
    public void The_log_variance_is_clamped_as_ldm_clamps_it()
    {
        TestTorch.Init();
        using var gaussian = new DiagonalGaussian(Latent(0, 0, 0), Latent(-100, 50, 3));
        Assert.Equal(new double[] { -30, 20, 3 }, gaussian.LogVariance.data<double>().ToArray());
    }

    [Fact]
    public void Moments_split_into_the_mean_first_and_the_log_variance_second()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var moments = arange(16, dtype: ScalarType.Float64).reshape(1, 4, 2, 2);
        using var gaussian = DiagonalGaussian.FromMoments(moments);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7 }, gaussian.Mean.data<double>().ToArray());
        Assert.Equal(new double[] { 8, 9, 10, 11, 12, 13, 14, 15 }, gaussian.LogVariance.data<double>().ToArray());
        Assert.True(gaussian.Mode().equal(gaussian.Mean).all().item<bool>());
        Assert.Throws<ArgumentException>(() => DiagonalGaussian.FromMoments(zeros(1, 3, 2, 2)));
    }
}
