using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Samplers;

/// <summary>
/// The generated samplers (without thresholding, so the math is exact), driven by the exact optimal noise predictor for Gaussian data N(m, s^2 I), must
/// (1) reproduce the moments that the closed-form recursion (<see cref="GaussianRecursion"/>) gives for the same
/// steps, within sampling error, and (2) land close to the data's own m and s.
/// </summary>
public class OracleSamplerTests
{
    private const double DataMean = 0.4, DataStd = 0.3;
    private const int Count = 4000; // x 16 pixels: 64,000 independent draws of N(m_final, v_final)

    [Theory]
    // The last argument bounds the sampler's own discretisation bias on the standard deviation, as the closed form
    // gives it: 1000 DDPM steps are within 2% of s; 50 or 100 steps with the fixed small variance beta~ lose up to
    // 16% (the reason Nichol and Dhariwal 2021 learn the variance), DDIM with eta = 0 less.
    [InlineData("linear", "ddpm", 1000, 0.0, 0.02)]
    [InlineData("cosine", "ddpm", 1000, 0.0, 0.02)]
    [InlineData("linear", "ddim", 50, 0.0, 0.10)]
    [InlineData("linear", "ddim", 50, 1.0, 0.17)]
    [InlineData("cosine", "ddim", 50, 0.0, 0.05)]
    [InlineData("cosine", "ddim", 50, 1.0, 0.10)]
    [InlineData("cosine", "ddpm", 100, 0.0, 0.06)]
    public void Sampler_driven_by_the_Gaussian_oracle_matches_closed_form_moments(string schedule, string sampler, int steps, double eta, double stdBias) =>
        Oracle_driven_sampler_matches_closed_form_moments(schedule, sampler, steps, eta, stdBias, predictsMean: false);

    /// <summary>
    /// The same through a model that predicts the posterior mean, given the oracle's optimal mean: the samplers convert
    /// it to x0_hat with the one-step coefficients of the training chain, also when they stride.
    /// </summary>
    [Theory]
    [InlineData("linear", "ddpm", 1000, 0.0, 0.02)]
    [InlineData("cosine", "ddpm", 1000, 0.0, 0.02)]
    [InlineData("linear", "ddim", 50, 0.0, 0.10)]
    [InlineData("linear", "ddim", 50, 1.0, 0.17)]
    [InlineData("cosine", "ddim", 50, 0.0, 0.05)]
    [InlineData("cosine", "ddpm", 100, 0.0, 0.06)]
    public void Mean_prediction_driven_by_the_Gaussian_oracle_matches_closed_form_moments(string schedule, string sampler, int steps, double eta, double stdBias) =>
        Oracle_driven_sampler_matches_closed_form_moments(schedule, sampler, steps, eta, stdBias, predictsMean: true);

    private static void Oracle_driven_sampler_matches_closed_form_moments(string schedule, string sampler, int steps, double eta, double stdBias, bool predictsMean)
    {
        IDiffusionModel model = (schedule, predictsMean) switch
        {
            ("linear", false) => new TinyLinearModel(),
            ("linear", true) => new TinyMeanModel(),
            (_, false) => new TinyCosineModel(),
            _ => new TinyCosineMeanModel(),
        };
        var oracle = new GaussianOracle(model.Schedule, [DataMean], DataStd);
        var denoiser = predictsMean ? MeanFromNoise(model.Schedule, oracle.Denoiser) : oracle.Denoiser;
        var kind = sampler == "ddpm" ? Dsl.SamplerKind.Ddpm : Dsl.SamplerKind.Ddim;
        using var generator = new Generator(1234);

        using var samples = model.Sample(kind, new SampleRequest(Count, Steps: steps, Eta: eta) { Thresholding = Dsl.Thresholding.None }, generator, denoiser);

        var process = model.Schedule.Respace(NoiseSchedule.EvenlySpacedSteps(model.Schedule.Length, steps));
        var (expectedMean, expectedVariance) = kind == Dsl.SamplerKind.Ddpm
            ? GaussianRecursion.Ddpm(process, DataMean, DataStd)
            : GaussianRecursion.Ddim(process, DataMean, DataStd, eta);

        double n = samples.numel();
        double mean = samples.mean().ToDouble();
        double variance = samples.var().ToDouble();
        double meanTolerance = 5 * Math.Sqrt(expectedVariance / n);           // 5 standard errors of the mean
        double varianceTolerance = 5 * expectedVariance * Math.Sqrt(2 / (n - 1)); // 5 standard errors of the variance
        Assert.InRange(mean, expectedMean - meanTolerance, expectedMean + meanTolerance);
        Assert.InRange(variance, expectedVariance - varianceTolerance, expectedVariance + varianceTolerance);

        // And the samplers solve the problem: the closed-form result is close to the data distribution itself.
        Assert.InRange(expectedMean, DataMean - 0.01, DataMean + 0.01);
        Assert.InRange(Math.Sqrt(expectedVariance), DataStd * (1 - stdBias), DataStd * (1 + stdBias));
    }

    /// <summary>
    /// The optimal mean of x_{t-1} one training step back from the optimal noise, in float64:
    /// mu = (x_t - beta_t / sqrt(1 - abar_t) eps) / sqrt(alpha_t) (Ho et al. 2020, Eq. 11), not the hub's coef1 x0_hat + coef2 x_t.
    /// </summary>
    internal static Denoiser MeanFromNoise(NoiseSchedule schedule, Denoiser noise) => (x, t, labels) =>
    {
        using var scope = NewDisposeScope();
        Tensor At(System.Collections.Generic.IReadOnlyList<double> table) =>
            tensor(System.Linq.Enumerable.ToArray(table), dtype: ScalarType.Float64).index_select(0, t.cpu()).reshape(-1, 1, 1, 1).to(x.device);
        var eps = noise(x, t, labels).to(ScalarType.Float64);
        var mean = (x.to(ScalarType.Float64) - At(schedule.Betas) / At(schedule.SqrtOneMinusAlphasCumprod) * eps) / At(schedule.Alphas).sqrt();
        return mean.to(x.dtype).MoveToOuterDisposeScope();
    };

    [Fact]
    public void Same_seed_gives_the_same_samples()
    {
        var model = new TinyCosineModel();
        var oracle = new GaussianOracle(model.Schedule, [DataMean], DataStd);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var a = model.SampleDdpm(new SampleRequest(8, Steps: 20) { Thresholding = Dsl.Thresholding.None }, g1, oracle.Denoiser);
        using var b = model.SampleDdpm(new SampleRequest(8, Steps: 20) { Thresholding = Dsl.Thresholding.None }, g2, oracle.Denoiser);
        Assert.True(a.equal(b).all().item<bool>());
    }

    /// <summary>
    /// Two overlapping components (labels 0 and 1 at -0.1 and +0.1 per pixel, s = 0.5); the null label's oracle is the mixture.
    /// The share of samples that the Bayes classifier assigns to the requested component must grow with w:
    /// w = 0 is the unconditional mixture (about half), w = 1 the component itself, w > 1 beyond it.
    /// </summary>
    [Fact]
    public void Classifier_free_guidance_moves_samples_toward_the_chosen_component_as_w_grows()
    {
        var model = new TinyGuidedModel();
        double[] means = [-0.1, 0.1];
        var oracle = new GaussianOracle(model.Schedule, means, 0.5);
        var shares = new double[3];
        double[] weights = [0.0, 1.0, 3.0];
        for (int k = 0; k < weights.Length; k++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(99);
            var labels = ones(2000, dtype: ScalarType.Int64); // ask for component 1 (+0.1)
            var samples = model.SampleDdim(new SampleRequest(2000, labels, Steps: 50, Eta: 1.0, GuidanceScale: weights[k]) { Thresholding = Dsl.Thresholding.None }, generator, oracle.Denoiser);
            // Bayes classifier between the two equal-variance components: the sign of the pixel sum.
            var perSample = samples.reshape(2000, -1).sum(1);
            shares[k] = (perSample > 0).to(ScalarType.Float64).mean().ToDouble();
        }
        Assert.InRange(shares[0], 0.40, 0.60);
        Assert.True(shares[1] > shares[0] + 0.2, $"w=1 share {shares[1]} vs w=0 share {shares[0]}");
        Assert.True(shares[2] > shares[1], $"w=3 share {shares[2]} vs w=1 share {shares[1]}");
    }
}
