using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

[Collection(TorchGlobalStateCollection.Name)]
public class CheckpointRoundTripTests
{
    /// <summary>A model trained a few steps, with its EMA and optimizer, saved once at step 3.</summary>
    private sealed class Saved : IDisposable
    {
        public Saved(string name)
        {
            Model = new TinyDenoiser();
            Ema = new ExponentialMovingAverage(Model.Network, 0.9);
            Optimizer = new Diffusion.Runtime.Training.AdamW(Model.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2);
            using var images = TinyDenoiser.SyntheticImages(16);
            for (int i = 0; i < 3; i++)
            {
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)i);
                Optimizer.ZeroGrad();
                Model.TrainingLoss(images, null, generator).backward();
                Optimizer.Step();
                Ema.Update(Model.Network);
            }
            Store = new RunFolder(TestTorch.TempDirectory(name));
            State = new TrainerState(3, 42, [0.9, 0.8, 0.7], [], 1.5, Ema.UpdateCount);
            Directory = Store.Save(Model, Ema, Optimizer, State, new TrainingOptions { Steps = 3, Seed = 42 });
        }

        public TinyDenoiser Model { get; }
        public ExponentialMovingAverage Ema { get; }
        public Diffusion.Runtime.Training.AdamW Optimizer { get; }
        public RunFolder Store { get; }
        public TrainerState State { get; }
        public string Directory { get; }

        public void Dispose()
        {
            Ema.Dispose();
            Optimizer.Dispose();
        }
    }

    private static (TinyDenoiser Model, ExponentialMovingAverage Ema, Diffusion.Runtime.Training.AdamW Optimizer) Fresh(TinyDenoiser? model = null)
    {
        model ??= new TinyDenoiser(initSeed: 77);
        return (model, new ExponentialMovingAverage(model.Network, 0.9),
            new Diffusion.Runtime.Training.AdamW(model.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2));
    }

    private static void AssertSame(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
            Assert.True(tensor.equal(actual[name]).all().item<bool>(), name);
    }

    [Fact]
    public void SaveThenLoadRestoresModelEmaOptimizerAndTrainerState()
    {
        using var saved = new Saved("roundtrip");
        Assert.EndsWith(Path.Combine("checkpoints", "step-0000003"), saved.Directory);
        Assert.Equal(saved.Directory, saved.Store.Latest());

        var (model, ema, optimizer) = Fresh();
        var state = TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer);

        AssertSame(saved.Model.Network.state_dict(), model.Network.state_dict());
        AssertSame(saved.Ema.StateDict(), ema.StateDict());
        AssertSame(saved.Optimizer.StateDict(), optimizer.StateDict());
        Assert.Equal(3, optimizer.StepCount);
        Assert.Equal(saved.Ema.UpdateCount, ema.UpdateCount);
        Assert.Equal(saved.State.Losses, state.Losses);
        Assert.Equal(42, state.Seed);
        Assert.Equal(1.5, state.ElapsedSeconds);
    }

    [Fact]
    public void FilesHoldTheModuleStateDictNamesAndReadableJson()
    {
        using var saved = new Saved("layout");
        var header = SafetensorsFile.ReadHeader(Path.Combine(saved.Directory, CheckpointLayout.ModelFile));
        Assert.Equal(saved.Model.Network.state_dict().Keys.OrderBy(k => k), header.Keys.OrderBy(k => k));
        Assert.Equal(new[] { "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight" }, header.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(header.Values, e => Assert.Equal("F32", e.DType));
        Assert.Equal(new long[] { 64, 17 }, header["fc1.weight"].Shape);

        string config = File.ReadAllText(Path.Combine(saved.Directory, CheckpointLayout.ConfigFile));
        Assert.Contains("\"predicts\": \"Noise\"", config);
        Assert.Contains("\"schedule\": \"Linear\"", config);
        Assert.Contains("\"hidden\": 64", config);
        Assert.Contains("\"batchSize\"", config);
        Assert.DoesNotContain("onProgress", config, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(saved.Model.Description.Network, CheckpointJson.ReadConfig(saved.Directory).Description.Network);
        Assert.Empty(Directory.GetDirectories(saved.Store.CheckpointsDirectory, ".tmp-*"));
    }

    [Fact]
    public void Float16ReleaseHalvesTheWeightsAndLoadsBackAsFloat32()
    {
        using var saved = new Saved("release");
        string releaseDir = saved.Store.OutputDirectory + "-release"; // beside the run: outputs never go inside an input
        ReleaseExport.Export(saved.Store.OutputDirectory, releaseDir, saved.Model);

        var header = SafetensorsFile.ReadHeader(Path.Combine(releaseDir, CheckpointLayout.ModelFile));
        Assert.All(header.Values, e => Assert.Equal("F16", e.DType));
        long half = new FileInfo(Path.Combine(releaseDir, CheckpointLayout.ModelFile)).Length;
        long full = new FileInfo(Path.Combine(saved.Directory, CheckpointLayout.EmaFile)).Length;
        Assert.True(half < 0.6 * full, $"release {half} bytes vs {full}");
        Assert.Equal(CheckpointLayout.ReleaseKind, CheckpointJson.ReadConfig(releaseDir).Kind);

        var model = new TinyDenoiser(initSeed: 5);
        CheckpointLoader.LoadForSampling(model, releaseDir);
        Assert.False(model.Network.training);
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            var expected = saved.Ema.StateDict()[name];
            Assert.True(allclose(tensor, expected, rtol: 1e-3, atol: 1e-4), name);
        }
        Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(model, releaseDir, useEma: false));
    }

    [Fact]
    public void LoadForSamplingPutsEmaOrRawWeightsIntoTheNetwork()
    {
        using var saved = new Saved("sampling");
        var model = new TinyDenoiser(initSeed: 5);
        CheckpointLoader.LoadForSampling(model, saved.Directory);
        AssertSame(saved.Ema.StateDict(), model.Network.state_dict());
        CheckpointLoader.LoadForSampling(model, saved.Store.OutputDirectory, useEma: false); // a run directory resolves to its latest
        AssertSame(saved.Model.Network.state_dict(), model.Network.state_dict());
    }

    [Fact]
    public void TruncatedFileIsReportedByName()
    {
        using var saved = new Saved("truncated");
        string path = Path.Combine(saved.Directory, CheckpointLayout.EmaFile);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 10);
        var (model, ema, optimizer) = Fresh();
        var before = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        AssertSame(before, model.Network.state_dict()); // nothing was loaded
    }

    [Fact]
    public void CorruptedHeaderIsReportedByName()
    {
        using var saved = new Saved("corrupted");
        string path = Path.Combine(saved.Directory, CheckpointLayout.ModelFile);
        var bytes = File.ReadAllBytes(path);
        for (int i = 8; i < 40; i++) bytes[i] = (byte)'#';
        File.WriteAllBytes(path, bytes);
        var (model, ema, optimizer) = Fresh();
        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer));
        Assert.Contains(path, error.Message);
        Assert.Contains("corrupted", error.Message);

        File.WriteAllBytes(path, [1, 2, 3]);
        error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void MissingFileIsReportedByName()
    {
        using var saved = new Saved("missing");
        string path = Path.Combine(saved.Directory, CheckpointLayout.OptimizerFile);
        File.Delete(path);
        var (model, ema, optimizer) = Fresh();
        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer));
        Assert.Contains(path, error.Message);
        Assert.Contains("missing", error.Message);
        Assert.Null(saved.Store.Latest()); // an incomplete directory is not a checkpoint
    }

    [Fact]
    public void AnotherArchitectureIsRefusedListingTheDifferences()
    {
        using var saved = new Saved("architecture");

        var (narrow, narrowEma, narrowOptimizer) = Fresh(new TinyDenoiser(hidden: 32));
        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, narrow, narrowEma, narrowOptimizer));
        Assert.Contains(CheckpointLayout.ConfigFile, error.Message);
        Assert.Contains("Network.hidden: checkpoint 64, model 32", error.Message);

        // A network whose description claims the same model but whose shapes and keys differ.
        var liar = new TinyDenoiser(hidden: 32, extraLayer: true, description: TinyDenoiser.Describe(64));
        var (_, liarEma, liarOptimizer) = Fresh(liar);
        error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(saved.Directory, liar, liarEma, liarOptimizer));
        Assert.Contains(CheckpointLayout.ModelFile, error.Message);
        Assert.Contains("missing keys [fc3.weight, fc3.bias]", error.Message);
        Assert.Contains("fc1.weight: file (64, 17) vs model (32, 17)", error.Message);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedAndThePreviousCheckpointStaysIntact()
    {
        using var saved = new Saved("nan");
        var bytesBefore = File.ReadAllBytes(Path.Combine(saved.Directory, CheckpointLayout.ModelFile));
        using (var noGrad = no_grad())
            saved.Model.Network.state_dict()["fc2.bias"].fill_(float.NaN);

        var error = Assert.Throws<CheckpointException>(() =>
            saved.Store.Save(saved.Model, saved.Ema, saved.Optimizer, saved.State with { Step = 4 }));
        Assert.Contains("fc2.bias", error.Message);
        Assert.Contains("step-0000004", error.Message);

        Assert.Equal(saved.Directory, saved.Store.Latest());
        Assert.Equal(new long[] { 3 }, saved.Store.List().Select(c => c.Step).ToArray());
        Assert.Empty(Directory.GetDirectories(saved.Store.CheckpointsDirectory, ".*"));
        Assert.Equal(bytesBefore, File.ReadAllBytes(Path.Combine(saved.Directory, CheckpointLayout.ModelFile)));
        var (model, ema, optimizer) = Fresh();
        TrainingCheckpoint.Load(saved.Directory, model, ema, optimizer);
    }

    [Fact]
    public void LatestIsTheHighestCompleteStepDirectory()
    {
        using var saved = new Saved("latest");
        string root = saved.Store.CheckpointsDirectory;
        Directory.CreateDirectory(Path.Combine(root, ".tmp-step-0000099-abc"));
        Directory.CreateDirectory(Path.Combine(root, "step-0000050")); // incomplete
        File.WriteAllText(Path.Combine(root, "step-0000050", CheckpointLayout.ConfigFile), "{}");
        var later = saved.Store.Save(saved.Model, saved.Ema, saved.Optimizer, saved.State with { Step = 12 });
        Assert.Equal(later, saved.Store.Latest());
        Assert.Equal(new long[] { 3, 12 }, saved.Store.List().Select(c => c.Step).ToArray());
        // Saving the same step again replaces it.
        Assert.Equal(later, saved.Store.Save(saved.Model, saved.Ema, saved.Optimizer, saved.State with { Step = 12 }));
    }
}
