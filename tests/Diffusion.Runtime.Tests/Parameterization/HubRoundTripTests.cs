using System;
using System.Linq;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Parameterization;

/// <summary>
/// The generated hubs of the five predictions: for random x_0, eps and t, the training target of each kind converts back
/// to exactly (eps, x_0) through that kind's ToNoiseAndCleanSample, in float32 and float64.
/// </summary>
public class HubRoundTripTests
{
    private delegate Tensor Target(Tensor x0, Tensor noise, Tensor a, Tensor s);
    private delegate (Tensor Noise, Tensor CleanSample) Convert(Tensor prediction, Tensor x, Tensor a, Tensor s);

    private static (Target, Convert) Hub(string kind) => kind switch
    {
        "Noise" => (TinyLinearModel.TrainingTarget, TinyLinearModel.ToNoiseAndCleanSample),
        "CleanSample" => (TinyCleanSampleModel.TrainingTarget, TinyCleanSampleModel.ToNoiseAndCleanSample),
        "Velocity" => (TinyVelocityModel.TrainingTarget, TinyVelocityModel.ToNoiseAndCleanSample),
        _ => (TinyScoreModel.TrainingTarget, TinyScoreModel.ToNoiseAndCleanSample),
    };

    [Theory]
    [InlineData("Noise", ScalarType.Float64, 1e-10)]
    [InlineData("CleanSample", ScalarType.Float64, 1e-10)]
    [InlineData("Velocity", ScalarType.Float64, 1e-10)]
    [InlineData("Score", ScalarType.Float64, 1e-10)]
    [InlineData("Noise", ScalarType.Float32, 2e-3)]
    [InlineData("CleanSample", ScalarType.Float32, 2e-3)]
    [InlineData("Velocity", ScalarType.Float32, 2e-3)]
    [InlineData("Score", ScalarType.Float32, 2e-3)]
    public void Training_target_converts_back_to_noise_and_clean_sample(string kind, ScalarType dtype, double tolerance)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var schedule = NoiseSchedule.Linear(1000);
        var t = randint(0, 1000, [256], dtype: ScalarType.Int64, generator: generator);
        var x0 = (rand([256, 1, 4, 4], generator: generator) * 2 - 1).to(dtype);
        var noise = randn([256, 1, 4, 4], generator: generator).to(dtype);
        // The coefficients straight from the float64 tables (Gather rounds to float32, and velocity's round trip relies
        // on a^2 + s^2 = 1).
        var a = tensor(schedule.SqrtAlphasCumprod.ToArray(), dtype: ScalarType.Float64).index_select(0, t).reshape(256, 1, 1, 1).to(dtype);
        var s = tensor(schedule.SqrtOneMinusAlphasCumprod.ToArray(), dtype: ScalarType.Float64).index_select(0, t).reshape(256, 1, 1, 1).to(dtype);
        var xt = a * x0 + s * noise;
        var (target, convert) = Hub(kind);

        var (noiseBack, cleanBack) = convert(target(x0, noise, a, s), xt, a, s);

        // x0 from eps divides by sqrt(abar_t), down to 0.006 at t = T: float32 keeps about 1e-7 / 0.006 there.
        Assert.True(allclose(noiseBack, noise, rtol: tolerance, atol: tolerance), $"{kind}: eps differs by {(noiseBack - noise).abs().max().to(ScalarType.Float64).item<double>():E2}");
        Assert.True(allclose(cleanBack, x0, rtol: tolerance, atol: tolerance), $"{kind}: x0 differs by {(cleanBack - x0).abs().max().to(ScalarType.Float64).item<double>():E2}");
    }

    [Fact]
    public void Velocity_and_score_targets_are_the_textbook_quantities()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var x0 = tensor(new[] { 0.5 }, dtype: ScalarType.Float64);
        var eps = tensor(new[] { -1.0 }, dtype: ScalarType.Float64);
        var a = tensor(0.6, dtype: ScalarType.Float64);
        var s = tensor(0.8, dtype: ScalarType.Float64);
        // v = a eps - s x0 = -0.6 - 0.4; score = -eps / s = 1.25
        Assert.Equal(-1.0, TinyVelocityModel.TrainingTarget(x0, eps, a, s).item<double>(), 12);
        Assert.Equal(1.25, TinyScoreModel.TrainingTarget(x0, eps, a, s).item<double>(), 12);
        Assert.Equal(0.5, TinyCleanSampleModel.TrainingTarget(x0, eps, a, s).item<double>(), 12);
    }

    /// <summary>
    /// The posterior mean's hub at t = 0, mid-chain and T - 1, with coef1_t and coef2_t computed here from the linear
    /// schedule's betas (Ho et al. 2020, Sec. 4: 1e-4 to 0.02 over T = 1000), not read from NoiseSchedule: the target is
    /// mu~_t, which Eq. 11 also writes as (x_t - beta_t / sqrt(1 - abar_t) eps) / sqrt(alpha_t), and it converts back to
    /// (eps, x_0). At t = 0, abar_{-1} = 1 makes coef1 = 1 and coef2 = 0: the mean is x_0 itself.
    /// </summary>
    [Theory]
    [InlineData(0, ScalarType.Float64, 1e-10)]
    [InlineData(500, ScalarType.Float64, 1e-10)]
    [InlineData(999, ScalarType.Float64, 1e-10)]
    [InlineData(0, ScalarType.Float32, 2e-3)]
    [InlineData(500, ScalarType.Float32, 2e-3)]
    // x0_hat = (mu - coef2 x_t) / coef1 amplifies float32's rounding of mu by 1 / coef1_999 = 7,900: about 1e-7 x 4 x 7,900.
    [InlineData(999, ScalarType.Float32, 1e-2)]
    public void Mean_target_is_the_posterior_mean_and_converts_back(int step, ScalarType dtype, double tolerance)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        double Beta(int i) => 1e-4 + (0.02 - 1e-4) * i / 999;
        double alphaBarPrev = 1;
        for (int i = 0; i < step; i++) alphaBarPrev *= 1 - Beta(i);
        double beta = Beta(step), alphaBar = alphaBarPrev * (1 - beta);
        double coef1 = beta * Math.Sqrt(alphaBarPrev) / (1 - alphaBar);                      // Ho et al. 2020, Eq. 7
        double coef2 = Math.Sqrt(1 - beta) * (1 - alphaBarPrev) / (1 - alphaBar);
        if (step == 0)
        {
            Assert.Equal(1.0, coef1, 12);
            Assert.Equal(0.0, coef2);
        }
        using var generator = new Generator(22);
        var x0 = (rand([256, 1, 4, 4], generator: generator, dtype: ScalarType.Float64) * 2 - 1).to(dtype);
        var noise = randn([256, 1, 4, 4], generator: generator, dtype: ScalarType.Float64).to(dtype);
        Tensor Scalar(double value) => tensor(value, dtype: dtype);
        var a = Scalar(Math.Sqrt(alphaBar));
        var s = Scalar(Math.Sqrt(1 - alphaBar));
        var xt = a * x0 + s * noise;

        var target = TinyMeanModel.TrainingTarget(x0, noise, a, s, Scalar(coef1), Scalar(coef2));
        var (noiseBack, cleanBack) = TinyMeanModel.ToNoiseAndCleanSample(target, xt, a, s, Scalar(coef1), Scalar(coef2));

        var fromNoise = (xt - beta / Math.Sqrt(1 - alphaBar) * noise) / Math.Sqrt(1 - beta);   // Ho et al. 2020, Eq. 11
        Assert.True(allclose(target, fromNoise, rtol: tolerance, atol: tolerance), $"t = {step}: mu differs by {Max(target - fromNoise):E2}");
        Assert.True(allclose(noiseBack, noise, rtol: tolerance, atol: tolerance), $"t = {step}: eps differs by {Max(noiseBack - noise):E2}");
        Assert.True(allclose(cleanBack, x0, rtol: tolerance, atol: tolerance), $"t = {step}: x0 differs by {Max(cleanBack - x0):E2}");
    }

    private static double Max(Tensor difference) => difference.abs().max().to(ScalarType.Float64).item<double>();
}
