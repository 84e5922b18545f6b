using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// The checksum manifest: written with every checkpoint, verified on every load, and a checkpoint that fails it is
/// refused by name while resuming falls back to the previous one.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class CheckpointVerificationTests
{
    private static TrainingOptions Options(string dir, int steps) => new()
    {
        Steps = steps,
        BatchSize = 16,
        LearningRate = 3e-3,
        EmaDecay = 0.99,
        Seed = 5,
        CheckpointEvery = 2,
        OutputDir = dir,
    };

    /// <summary>A run of <paramref name="steps"/> steps with a checkpoint every 2; returns its store.</summary>
    private static RunFolder Train(string name, int steps, out TrainingResult result)
    {
        using var images = TinyDenoiser.SyntheticImages(48);
        string dir = TestTorch.TempDirectory(name);
        result = new Trainer(new TinyDenoiser(), new TrainingData(images), Options(dir, steps)).Run();
        return new RunFolder(dir);
    }

    private static (TinyDenoiser Model, ExponentialMovingAverage Ema, Diffusion.Runtime.Training.AdamW Optimizer) Fresh()
    {
        var model = new TinyDenoiser(initSeed: 77);
        return (model, new ExponentialMovingAverage(model.Network, 0.9),
            new Diffusion.Runtime.Training.AdamW(model.Network.named_parameters().Select(p => (p.name, p.parameter)), 1e-2));
    }

    /// <summary>Flips one byte of the tensor data (the last byte), which leaves the safetensors header valid.</summary>
    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void EveryCheckpointCarriesASha256sumManifestOfItsFiles()
    {
        var store = Train("manifest", 2, out var result);
        var listed = CheckpointManifest.Read(result.LastCheckpoint!);
        Assert.Equal(
            new[] { CheckpointLayout.ConfigFile, CheckpointLayout.EmaFile, CheckpointLayout.ModelFile, CheckpointLayout.OptimizerFile, CheckpointLayout.TrainerFile },
            listed.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (file, hash) in listed)
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(result.LastCheckpoint!, file))));
            Assert.Equal(expected, hash);
        }
        // sha256sum's own layout: "<64 hex>  <name>" per line.
        var lines = File.ReadAllLines(Path.Combine(result.LastCheckpoint!, CheckpointManifest.FileName));
        Assert.All(lines, line => Assert.Matches("^[0-9a-f]{64}  [a-z]+\\.(safetensors|json)$", line));
        Assert.Equal(CheckpointLayout.FormatVersion, CheckpointVerification.Verify(result.LastCheckpoint!).Version);
        Assert.Equal(result.LastCheckpoint, store.Latest());
    }

    [Fact]
    public void AFlippedDataByteFailsTheChecksumNamingTheFileAndLoadsNothing()
    {
        Train("flipped", 2, out var result);
        string path = Path.Combine(result.LastCheckpoint!, CheckpointLayout.EmaFile);
        FlipLastByte(path);
        SafetensorsFile.ReadHeader(path); // the header alone cannot tell

        var (model, ema, optimizer) = Fresh();
        var before = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(result.LastCheckpoint!, model, ema, optimizer));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}' fails its checksum", error.Message);
        foreach (var (name, tensor) in before) Assert.True(tensor.equal(model.Network.state_dict()[name]).all().item<bool>(), name);

        var sampling = new TinyDenoiser();
        error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(sampling, result.LastCheckpoint!));
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void AnEditedConfigFailsTheChecksumBeforeItIsParsed()
    {
        Train("config-edit", 2, out var result);
        string path = Path.Combine(result.LastCheckpoint!, CheckpointLayout.ConfigFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"hidden\": 64", "\"hidden\": 65"));
        var error = Assert.Throws<CheckpointException>(() => CheckpointVerification.Verify(result.LastCheckpoint!));
        Assert.Equal(path, error.Path);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void ResumeFallsBackToThePreviousValidCheckpointSayingSoAndStillReproducesTheRun()
    {
        using var images = TinyDenoiser.SyntheticImages(48);
        var straight = new Trainer(new TinyDenoiser(), new TrainingData(images), Options(TestTorch.TempDirectory("fallback-straight"), 6)).Run();

        var store = Train("fallback", 4, out var first);
        string newest = first.LastCheckpoint!, previous = Path.Combine(store.CheckpointsDirectory, CheckpointLayout.DirectoryName(2));
        string damaged = Path.Combine(newest, CheckpointLayout.ModelFile);
        FlipLastByte(damaged);

        var warnings = new List<string>();
        Assert.Equal(previous, store.Latest(warnings.Add));
        var warning = Assert.Single(warnings);
        Assert.Contains(damaged, warning);
        Assert.Contains($"falling back to '{previous}'", warning);

        warnings.Clear();
        var resumed = new Trainer(new TinyDenoiser(initSeed: 3), new TrainingData(images),
            Options(store.OutputDirectory, 6) with { Resume = true, OnWarning = warnings.Add }).Run();
        Assert.Contains(warnings, w => w.Contains(damaged, StringComparison.Ordinal));
        Assert.Equal(straight.Losses, resumed.Losses); // steps 3 and 4 were trained again, identically
        CheckpointVerification.Verify(newest); // rewritten, intact
        Assert.Equal(new long[] { 2, 4, 6 }, store.List().Select(c => c.Step).ToArray());
    }

    [Fact]
    public void ResumeRefusesWhenNoCheckpointVerifies()
    {
        var store = Train("none-valid", 2, out var result);
        FlipLastByte(Path.Combine(result.LastCheckpoint!, CheckpointLayout.OptimizerFile));
        using var images = TinyDenoiser.SyntheticImages(48);
        var warnings = new List<string>();
        var error = Assert.Throws<CheckpointException>(() => new Trainer(new TinyDenoiser(), new TrainingData(images),
            Options(store.OutputDirectory, 4) with { Resume = true, OnWarning = warnings.Add }).Run());
        Assert.Contains("None of the 1 checkpoints", error.Message);
        Assert.Contains(store.CheckpointsDirectory, error.Message);
        Assert.Contains("no earlier checkpoint is left", Assert.Single(warnings));
    }

    [Fact]
    public void AMissingManifestIsRefusedWhateverTheVersionUnlessTheCallerSkipsVerification()
    {
        Train("legacy", 2, out var result);
        string dir = result.LastCheckpoint!;
        string manifest = Path.Combine(dir, CheckpointManifest.FileName);
        File.Delete(manifest);
        var error = Assert.Throws<CheckpointException>(() => CheckpointVerification.Verify(dir));
        Assert.Equal(manifest, error.Path);
        Assert.Contains($"'{manifest}' is missing", error.Message);

        // Setting the layout version back to 1 (before manifests existed) does not turn verification off.
        string config = Path.Combine(dir, CheckpointLayout.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace($"\"version\": {CheckpointLayout.FormatVersion}", "\"version\": 1"));
        var (model, ema, optimizer) = Fresh();
        var before = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        error = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(dir, model, ema, optimizer));
        Assert.Contains($"'{manifest}' is missing", error.Message);
        error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), dir));
        Assert.Contains($"'{manifest}' is missing", error.Message);
        foreach (var (name, tensor) in before) Assert.True(tensor.equal(model.Network.state_dict()[name]).all().item<bool>(), name);

        // Only an explicit verify: false (the CLI's --no-verify) loads it.
        var sampling = new TinyDenoiser(initSeed: 9);
        CheckpointLoader.LoadForSampling(sampling, dir, verify: false);
        Assert.Equal(1, CheckpointVerification.Verify(dir, verify: false).Version);
    }

    [Fact]
    public void AManifestThatOmitsAFileIsRefused()
    {
        Train("incomplete-manifest", 2, out var result);
        string manifest = Path.Combine(result.LastCheckpoint!, CheckpointManifest.FileName);
        File.WriteAllLines(manifest, File.ReadAllLines(manifest).Where(l => !l.EndsWith(CheckpointLayout.OptimizerFile, StringComparison.Ordinal)));
        var error = Assert.Throws<CheckpointException>(() => CheckpointVerification.Verify(result.LastCheckpoint!));
        Assert.Contains(CheckpointLayout.OptimizerFile, error.Message);

        File.WriteAllText(manifest, "not a manifest\n");
        error = Assert.Throws<CheckpointException>(() => CheckpointVerification.Verify(result.LastCheckpoint!));
        Assert.Contains("line 1", error.Message);
    }

    [Fact]
    public void AReleaseCarriesAManifestAndACorruptedOneIsRefused()
    {
        var store = Train("release-manifest", 2, out _);
        string release = store.OutputDirectory + "-release"; // beside the run: outputs never go inside an input
        ReleaseExport.Export(store.OutputDirectory, release, new TinyDenoiser());
        Assert.Equal(new[] { CheckpointLayout.ConfigFile, CheckpointLayout.ModelFile }, CheckpointManifest.Read(release).Keys.OrderBy(k => k, StringComparer.Ordinal));
        CheckpointLoader.LoadForSampling(new TinyDenoiser(), release);

        FlipLastByte(Path.Combine(release, CheckpointLayout.ModelFile));
        var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), release));
        Assert.Contains(Path.Combine(release, CheckpointLayout.ModelFile), error.Message);
    }

    [Fact]
    public void LeftoversOfInterruptedWritesAreCleanedUpOnTheNextSave()
    {
        var store = Train("leftovers", 4, out _);
        string root = store.CheckpointsDirectory;
        // A write killed before its rename, and a same-step rewrite killed between its two renames.
        Directory.CreateDirectory(Path.Combine(root, ".tmp-step-0000006-" + Guid.NewGuid().ToString("N")));
        string old = Path.Combine(root, ".old-" + CheckpointLayout.DirectoryName(4) + "-" + Guid.NewGuid().ToString("N"));
        Directory.Move(Path.Combine(root, CheckpointLayout.DirectoryName(4)), old);
        Assert.Equal(new long[] { 2 }, store.List().Select(c => c.Step).ToArray());

        store.RemoveLeftovers();
        Assert.Empty(Directory.GetDirectories(root, ".*"));
        Assert.Equal(new long[] { 2, 4 }, store.List().Select(c => c.Step).ToArray());
        CheckpointVerification.Verify(Path.Combine(root, CheckpointLayout.DirectoryName(4)));
    }
}
