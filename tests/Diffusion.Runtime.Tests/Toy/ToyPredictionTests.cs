using System;
using System.Collections.Concurrent;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Toy;

/// <summary>Each toy model trained once per test run, shared by the tests that sample it.</summary>
public sealed class TrainedToyModels
{
    private readonly ConcurrentDictionary<string, Lazy<IDiffusionModel>> models = new();

    public IDiffusionModel Get(string kind) => models.GetOrAdd(kind, k => new Lazy<IDiffusionModel>(() =>
    {
        var model = ToyPredictionTests.Create(k);
        ToyTraining.Train(model, seed: 3);
        return model;
    })).Value;
}

/// <summary>
/// Each prediction kind, and the learned variance, trains the same small network on the 8-Gaussian ring, whose density
/// is known exactly; its DDPM samples must reach the data's own mean log-density (within a margin either way: too low
/// is blur, too high is collapse onto the means) and cover every mode. The exact optimal predictor, driven through the
/// same sampler, shows where the ceiling is.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ToyPredictionTests : IDisposable, IClassFixture<TrainedToyModels>
{
    private const int SampleCount = 1000;
    private const double Margin = 0.35;    // nats; a blurred or collapsed model misses by 1 or more
    private readonly ITestOutputHelper output;
    private readonly TrainedToyModels trained;

    public ToyPredictionTests(ITestOutputHelper output, TrainedToyModels trained)
    {
        this.output = output;
        this.trained = trained;
        TestTorch.Init();
        // One thread: these networks are tiny, so a second thread only adds synchronisation. Dispose restores two.
        torch.set_num_threads(1);
    }

    public void Dispose() => torch.set_num_threads(2);

    public static TheoryData<string> Kinds => new() { "Noise", "CleanSample", "Velocity", "Score", "Learned" };

    internal static IDiffusionModel Create(string kind)
    {
        torch.random.manual_seed(11); // the network's initial weights
        return kind switch
        {
            "Noise" => new ToyNoiseModel(),
            "CleanSample" => new ToyCleanSampleModel(),
            "Velocity" => new ToyVelocityModel(),
            "Score" => new ToyScoreModel(),
            "Mean" => new ToyMeanModel(),
            _ => new ToyLearnedModel(),
        };
    }

    private static double Truth { get; } = ToyTraining.TrueMeanLogDensity(20000);

    [Fact]
    public void The_exact_predictor_samples_the_ring_at_the_true_mean_log_density()
    {
        var model = new ToyNoiseModel();
        using var generator = new Generator(5);
        Denoiser oracle = (x, t, _) => RingMixture.OptimalNoise(x, t, model.Schedule.AlphasCumprod);
        using var samples = model.Sample(Dsl.SamplerKind.Ddpm, new SampleRequest(SampleCount, Steps: 1000) { Thresholding = Dsl.Thresholding.None }, generator, oracle);
        double meanLogDensity = RingMixture.LogDensity(samples).mean().item<double>();
        output.WriteLine($"exact predictor: samples' mean log-density {meanLogDensity:F3} nats, data's {Truth:F3}");
        Assert.True(Math.Abs(meanLogDensity - Truth) < 0.1, $"mean log-density {meanLogDensity:F3}, data {Truth:F3}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_prediction_samples_the_ring_at_the_true_mean_log_density(string kind)
    {
        var model = trained.Get(kind);
        var (meanLogDensity, shares) = ToyTraining.Score(model, SampleCount, steps: 1000, seed: 5);
        output.WriteLine($"{kind}: samples' mean log-density {meanLogDensity:F3} nats, data's {Truth:F3}; mode shares {string.Join(" ", shares.Select(s => s.ToString("F3")))}");
        Assert.True(Math.Abs(meanLogDensity - Truth) < Margin, $"{kind}: mean log-density {meanLogDensity:F3}, data {Truth:F3}");
        Assert.All(shares, s => Assert.InRange(s, 0.06, 0.19));
    }

    /// <summary>
    /// The posterior-mean prediction, held to what it reaches rather than to the other kinds' margin: in the same budget
    /// it gives -2.513 nats (gap 1.57), every mode covered but blurred (docs/benchmarks.md). Its weighting, min(SNR, 5) on
    /// the clean-sample error, is the noise model's, which passes; what differs is that
    /// x0_hat = (mu_theta - coef2_t x_t) / coef1_t multiplies the network's error by 1 / coef1_t (about 100 mid-chain,
    /// 7,900 at T - 1): the network must output nearly x_t and get the small rest right. Ho et al. 2020 (Sec. 4.2, Table 2)
    /// report the same: predicting the mean trains well only on the true bound. The bound here (gap under 2 nats, every
    /// mode between 6% and 19%) still fails a broken conversion (samples off the ring by far more) or a collapse.
    /// </summary>
    [Fact]
    public void Mean_prediction_covers_every_mode_of_the_ring_within_its_own_documented_gap()
    {
        var model = trained.Get("Mean");
        var (meanLogDensity, shares) = ToyTraining.Score(model, SampleCount, steps: 1000, seed: 5);
        output.WriteLine($"Mean: samples' mean log-density {meanLogDensity:F3} nats, data's {Truth:F3}; mode shares {string.Join(" ", shares.Select(s => s.ToString("F3")))}");
        Assert.True(Math.Abs(meanLogDensity - Truth) < MeanMargin, $"Mean: mean log-density {meanLogDensity:F3}, data {Truth:F3}");
        Assert.All(shares, s => Assert.InRange(s, 0.06, 0.19));
    }

    private const double MeanMargin = 2.0;    // nats; see Mean_prediction_covers_every_mode_of_the_ring_within_its_own_documented_gap

    /// <summary>
    /// The learned variance against the fixed ones on the same trained mean: v = -1 makes the learned model's variance
    /// beta~ (fixed small) and v = +1 beta (fixed large), so only the variance differs. In few steps the respaced beta is
    /// far too large; the learned variance (trained by the variational bound) moves most of the way to the small end, as
    /// Nichol and Dhariwal 2021 (Sec. 3.1) describe. On this data the fixed small variance is itself close to the true
    /// reverse variance, and the learned one does not beat it (see the printed figures and docs/benchmarks.md).
    /// </summary>
    [Fact]
    public void Learned_variance_samples_far_better_in_few_steps_than_the_fixed_large_variance()
    {
        var model = (ToyLearnedModel)trained.Get("Learned");
        Denoiser Fixed(double v) => (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            var (prediction, _) = ToyLearnedModel.SplitOutput(model.Denoise(x, t, labels));
            return cat([prediction, full_like(prediction, v)], 1).MoveToOuterDisposeScope();
        };
        double Gap(int steps, Denoiser? denoiser)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(7);
            var samples = model.Sample(Dsl.SamplerKind.Ddpm, new SampleRequest(SampleCount, Steps: steps) { Thresholding = Dsl.Thresholding.None }, generator, denoiser);
            return Math.Abs(RingMixture.LogDensity(samples).mean().item<double>() - Truth);
        }
        foreach (int steps in new[] { 10, 50, 250 })
        {
            output.WriteLine($"{steps} DDPM steps: |mean log-density - data's| learned {Gap(steps, null):F3}, fixed small {Gap(steps, Fixed(-1)):F3}, fixed large {Gap(steps, Fixed(1)):F3} nats");
        }
        double learned = Gap(10, null), large = Gap(10, Fixed(1));
        Assert.True(learned < large - 1.0, $"10 steps: learned {learned:F3}, fixed large {large:F3}");
    }
}
