using System;
using System.Linq;
using Diffusion.Runtime.Likelihood;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Likelihood;

/// <summary>The closed forms of the variational bound against direct numerical integration of the densities.</summary>
public class GaussianLikelihoodTests
{
    private static double LogDensity(double x, double mean, double std) =>
        -0.5 * (x - mean) * (x - mean) / (std * std) - Math.Log(std * Math.Sqrt(2 * Math.PI));

    private static double Density(double x, double mean, double std) => Math.Exp(LogDensity(x, mean, std));

    /// <summary>Composite Simpson's rule with an even number of intervals.</summary>
    private static double Simpson(Func<double, double> f, double from, double to, int intervals = 20000)
    {
        double h = (to - from) / intervals, sum = f(from) + f(to);
        for (int i = 1; i < intervals; i++) sum += f(from + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, 0.0)]
    [InlineData(0.3, -1.0, -0.2, 0.5)]
    [InlineData(-1.5, 1.2, 0.7, -2.0)]
    [InlineData(2.0, -4.0, 1.9, -3.5)]
    public void NormalKl_matches_the_integral_of_p1_log_p1_over_p2(double m1, double lv1, double m2, double lv2)
    {
        TestTorch.Init();
        double s1 = Math.Exp(0.5 * lv1), s2 = Math.Exp(0.5 * lv2);
        // In log space, so p2's underflowing tails stay finite.
        double integral = Simpson(x => Density(x, m1, s1) * (LogDensity(x, m1, s1) - LogDensity(x, m2, s2)), m1 - 14 * s1, m1 + 14 * s1);
        using var kl = GaussianLikelihood.NormalKl(tensor(m1), tensor(lv1), tensor(m2), tensor(lv2));
        Assert.Equal(integral, kl.item<double>(), 9);
    }

    [Theory]
    [InlineData(0.1, 0.3)]
    [InlineData(-0.95, 0.05)]
    [InlineData(0.5, 0.004)]
    public void Discretized_decoder_bins_sum_to_one_and_match_the_integrated_density(double mean, double std)
    {
        TestTorch.Init();
        var centres = Enumerable.Range(0, 256).Select(k => 2.0 * k / 255 - 1).ToArray();
        using var x = tensor(centres, dtype: ScalarType.Float64);
        using var logLikelihood = GaussianLikelihood.DiscretizedGaussianLogLikelihood(x, full_like(x, mean), full_like(x, Math.Log(std)));
        var masses = logLikelihood.exp().data<double>().ToArray();

        Assert.Equal(1.0, masses.Sum(), 1e-9);
        double h = 1.0 / 255, far = 40 * std + 2;
        for (int k = 0; k < 256; k++)
        {
            double lower = k == 0 ? -far : centres[k] - h, upper = k == 255 ? far : centres[k] + h;
            double integral = Simpson(v => Density(v, mean, std), lower, upper, 2000);
            // Bins below the 1e-12 floor are clamped to it (improved-diffusion's log(max(p, 1e-12))).
            Assert.Equal(Math.Max(integral, 1e-12), masses[k], 1e-8);
        }
    }

    [Fact]
    public void Prior_term_is_the_kl_of_q_xT_given_x0_against_the_standard_normal()
    {
        TestTorch.Init();
        const double alphaBar = 0.01;
        using var x0 = tensor(new[] { 0.5, -0.5 }, dtype: ScalarType.Float64).reshape(1, 2);
        using var bits = GaussianLikelihood.PriorBitsPerDimension(x0, alphaBar);
        // KL(N(m, v) || N(0, 1)) = 0.5 (v + m^2 - 1 - log v) per dimension; both dimensions have m^2 = 0.0025.
        double v = 1 - alphaBar, m2 = alphaBar * 0.25;
        Assert.Equal(0.5 * (v + m2 - 1 - Math.Log(v)) / Math.Log(2), bits.item<double>(), 12);
    }
}
