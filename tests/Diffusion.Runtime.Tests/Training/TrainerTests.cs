using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class TrainerTests
{
    private readonly ITestOutputHelper output;

    public TrainerTests(ITestOutputHelper output) => this.output = output;

    private static TrainingOptions Options(string dir, int steps, int batch = 16) => new()
    {
        Steps = steps,
        BatchSize = batch,
        LearningRate = 3e-3,
        WeightDecay = 0.01,
        EmaDecay = 0.99,
        GradClip = 1.0,
        Seed = 42,
        CheckpointEvery = 10,
        LogEvery = 10,
        OutputDir = dir,
    };

    [Fact]
    public void ShortRunLowersTheLoss()
    {
        var model = new TinyDenoiser();
        using var images = TinyDenoiser.SyntheticImages(256);
        var result = new Trainer(model, new TrainingData(images), Options(TestTorch.TempDirectory("lowers"), 150, batch: 64) with { CheckpointEvery = 1000 }).Run();

        double first = result.Losses.Take(10).Average(), last = result.Losses.TakeLast(10).Average();
        output.WriteLine($"first 10 mean {first:F4}, last 10 mean {last:F4}, {result.ImagesPerSecond:F0} img/s");
        Assert.Equal(150, result.Losses.Count);
        Assert.True(last < 0.8 * first, $"loss did not fall: first 10 mean {first:F4}, last 10 mean {last:F4}");
        Assert.True(model.Network.training);
    }

    [Fact]
    public void A_time_budget_stops_the_run_with_a_checkpoint_and_bounds_the_remaining_time_it_reports()
    {
        using var images = TinyDenoiser.SyntheticImages(64);
        var budget = TimeSpan.FromSeconds(2);
        var reports = new List<TrainingProgress>();
        var result = new Trainer(new TinyDenoiser(), new TrainingData(images), Options(TestTorch.TempDirectory("budget"), 1_000_000)
            with { TimeBudget = budget, CheckpointEvery = 1_000_000, OnProgress = reports.Add }).Run();

        Assert.True(result.Cancelled);
        Assert.InRange(result.FinalStep, 2, 999_999);
        Assert.EndsWith($"step-{result.FinalStep:D7}", result.LastCheckpoint);
        // Without the budget the estimate for a million steps would be minutes or hours.
        var estimates = reports.Where(r => r.Remaining is not null).Select(r => r.Remaining!.Value).ToList();
        Assert.NotEmpty(estimates);
        Assert.All(estimates, remaining => Assert.InRange(remaining, TimeSpan.Zero, budget));
    }

    [Fact]
    public void ResumedRunReproducesTheUninterruptedRunExactly()
    {
        using var images = TinyDenoiser.SyntheticImages(70); // 4 steps of 16 per epoch, 6 examples left out each epoch
        var data = new TrainingData(images);

        string straightDir = TestTorch.TempDirectory("straight");
        var straight = new Trainer(new TinyDenoiser(), data, Options(straightDir, 40)).Run();

        string splitDir = TestTorch.TempDirectory("split");
        var firstHalf = new Trainer(new TinyDenoiser(), data, Options(splitDir, 18)).Run(); // stops mid-epoch (epoch 4, slot 1)
        Assert.Equal(18, firstHalf.FinalStep);
        // Fresh objects, a different initialisation even: everything must come from the checkpoint.
        var resumedModel = new TinyDenoiser(initSeed: 99);
        var resumed = new Trainer(resumedModel, data, Options(splitDir, 40) with { Resume = true }).Run();

        Assert.Equal(40, resumed.Losses.Count);
        Assert.Equal(straight.Losses, resumed.Losses); // exact equality of doubles
        foreach (var file in new[] { CheckpointLayout.ModelFile, CheckpointLayout.EmaFile, CheckpointLayout.OptimizerFile })
        {
            var a = File.ReadAllBytes(Path.Combine(straight.LastCheckpoint!, file));
            var b = File.ReadAllBytes(Path.Combine(resumed.LastCheckpoint!, file));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between the straight and the resumed run");
        }
        Assert.EndsWith("step-0000040", resumed.LastCheckpoint!);
        var steps = new RunFolder(splitDir).List().Select(c => c.Step).ToArray();
        Assert.Equal(new long[] { 10, 18, 20, 30, 40 }, steps);
    }

    [Fact]
    public void LiveTensorCountStaysFlatAcrossSteps()
    {
        var model = new TinyDenoiser();
        using var images = TinyDenoiser.SyntheticImages(64);
        var counts = new Dictionary<long, long>();
        var options = Options(TestTorch.TempDirectory("leak"), 60) with
        {
            CheckpointEvery = 20,
            OnProgress = p => counts[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
        };
        new Trainer(model, new TrainingData(images), options).Run();
        output.WriteLine($"live tensors: step 20 {counts[20]}, step 40 {counts[40]}, step 60 {counts[60]}");
        Assert.Equal(counts[20], counts[60]);
        Assert.Equal(counts[21], counts[59]);
    }

    [Fact]
    public void NonFiniteLossStopsNamingTheStepAndNeverReachesACheckpoint()
    {
        var model = new TinyDenoiser { NanAtCall = 15 };
        using var images = TinyDenoiser.SyntheticImages(64);
        string dir = TestTorch.TempDirectory("nan");
        var error = Assert.Throws<NonFiniteLossException>(() => new Trainer(model, new TrainingData(images), Options(dir, 30)).Run());
        Assert.Equal(15, error.Step);
        Assert.Contains("step 15", error.Message);
        Assert.Contains("step-0000010", error.Message);
        var store = new RunFolder(dir);
        Assert.Equal(new long[] { 10 }, store.List().Select(c => c.Step).ToArray());
    }

    [Fact]
    public void SkipNonFiniteStepsSkipsAndRecordsTheStep()
    {
        var model = new TinyDenoiser { NanAtCall = 5 };
        using var images = TinyDenoiser.SyntheticImages(64);
        var result = new Trainer(model, new TrainingData(images), Options(TestTorch.TempDirectory("skip"), 10) with { SkipNonFiniteSteps = true }).Run();
        Assert.Equal(new long[] { 5 }, result.SkippedSteps);
        Assert.True(double.IsNaN(result.Losses[4]));
        Assert.Equal(10, result.FinalStep);
        var state = CheckpointJson.ReadTrainerState(result.LastCheckpoint!);
        Assert.Equal(new long[] { 5 }, state.SkippedSteps);
        Assert.True(double.IsNaN(state.Losses[4]));
    }

    [Fact]
    public void KeepCheckpointsDeletesAllButTheNewest()
    {
        using var images = TinyDenoiser.SyntheticImages(32);
        string dir = TestTorch.TempDirectory("keep");
        new Trainer(new TinyDenoiser(), new TrainingData(images), Options(dir, 9) with { CheckpointEvery = 2, KeepCheckpoints = 2 }).Run();
        var store = new RunFolder(dir);
        Assert.Equal(new long[] { 8, 9 }, store.List().Select(c => c.Step).ToArray());
        Assert.Empty(Directory.GetDirectories(store.CheckpointsDirectory, ".*"));
        Assert.Throws<ArgumentOutOfRangeException>(() => (Options(dir, 9) with { KeepCheckpoints = -1 }).Validate());
    }

    [Fact]
    public void RefusesAnOutputDirectoryWithCheckpointsUnlessResuming()
    {
        using var images = TinyDenoiser.SyntheticImages(32);
        string dir = TestTorch.TempDirectory("refuse");
        new Trainer(new TinyDenoiser(), new TrainingData(images), Options(dir, 2)).Run();
        var error = Assert.Throws<TrainingRunException>(() => new Trainer(new TinyDenoiser(), new TrainingData(images), Options(dir, 4)).Run());
        Assert.Contains("Resume", error.Message);
        var seedError = Assert.Throws<TrainingRunException>(() =>
            new Trainer(new TinyDenoiser(), new TrainingData(images), Options(dir, 4) with { Resume = true, Seed = 7 }).Run());
        Assert.Contains("seed 42", seedError.Message);
    }

    [Fact]
    public void CancellationCheckpointsTheLastCompletedStep()
    {
        using var images = TinyDenoiser.SyntheticImages(32);
        using var cancel = new CancellationTokenSource();
        var options = Options(TestTorch.TempDirectory("cancel"), 50) with { OnProgress = p => { if (p.Step == 7) cancel.Cancel(); } };
        var result = new Trainer(new TinyDenoiser(), new TrainingData(images), options).Run(cancel.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(7, result.FinalStep);
        Assert.EndsWith("step-0000007", result.LastCheckpoint!);
    }
}
