using System;
using System.Linq;
using Diffusion.Runtime.Models;
using Xunit;
using Diffusion.Runtime.Tests.Training;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Toy;

/// <summary>
/// Each prediction kind, and the learned variance, trains the same small network on the 8-Gaussian ring, whose density
/// is known exactly; its DDPM samples must reach the data's own mean log-density (within a margin either way: too low
/// is blur, too high is collapse onto the means) and cover every mode.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ToyPredictionTests(ITestOutputHelper output) : IDisposable
{
    public void Dispose() => TorchSharp.torch.set_num_threads(2);

    private const int SampleCount = 2000;
    private const double Margin = 0.35;    // nats; a blurred or collapsed model misses by 1 or more

    public static TheoryData<string> Kinds => new() { "Noise", "CleanSample", "Velocity", "Score", "Learned" };

    private static IDiffusionModel Create(string kind)
    {
        TestTorch.Init();
        // One thread: these networks are tiny, so a second thread only adds synchronisation. Restored by Dispose.
        TorchSharp.torch.set_num_threads(1);
        TorchSharp.torch.random.manual_seed(11); // the network's initial weights
        return kind switch
        {
            "Noise" => new ToyNoiseModel(),
            "CleanSample" => new ToyCleanSampleModel(),
            "Velocity" => new ToyVelocityModel(),
            "Score" => new ToyScoreModel(),
            _ => new ToyLearnedModel(),
        };
    }

    /// <summary>The pipeline itself, driven by the exact optimal predictor: the reference the trained models are held to.</summary>
    [Fact]
    public void The_exact_predictor_samples_the_ring_at_the_true_mean_log_density()
    {
        var model = (ToyNoiseModel)Create("Noise");
        using var generator = new TorchSharp.torch.Generator(5);
        Denoiser oracle = (x, t, _) => RingMixture.OptimalNoise(x, t, model.Schedule.AlphasCumprod);
        using var samples = model.Sample(Dsl.SamplerKind.Ddpm, new SampleRequest(SampleCount, Steps: 1000) { Thresholding = Dsl.Thresholding.None }, generator, oracle);
        double truth = ToyTraining.TrueMeanLogDensity(20000);
        double meanLogDensity = RingMixture.LogDensity(samples).mean().item<double>();
        output.WriteLine($"exact predictor: samples' mean log-density {meanLogDensity:F3} nats, data's {truth:F3}");
        Assert.True(Math.Abs(meanLogDensity - truth) < 0.1, $"mean log-density {meanLogDensity:F3}, data {truth:F3}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_prediction_samples_the_ring_at_the_true_mean_log_density(string kind)
    {
        var model = Create(kind);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double finalLoss = ToyTraining.Train(model, seed: 3);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        double truth = ToyTraining.TrueMeanLogDensity(20000);
        var (meanLogDensity, shares) = ToyTraining.Score(model, SampleCount, steps: 1000, seed: 5);
        output.WriteLine($"{kind}: samples' mean log-density {meanLogDensity:F3} nats, data's {truth:F3}; mode shares {string.Join(" ", shares.Select(s => s.ToString("F3")))}; final loss {finalLoss:F4}; training {trainSeconds:F0} s, sampling {clock.Elapsed.TotalSeconds - trainSeconds:F0} s");
        Assert.True(Math.Abs(meanLogDensity - truth) < Margin, $"{kind}: mean log-density {meanLogDensity:F3}, data {truth:F3}");
        Assert.All(shares, s => Assert.InRange(s, 0.06, 0.19));
    }
}
