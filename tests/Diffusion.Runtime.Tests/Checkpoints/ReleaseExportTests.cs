using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// A release gets fresh checksums, so <see cref="ReleaseExport.Export"/> checks the EMA weights against the
/// model before writing anything: a mismatch fails at release time, by name, not later at sampling.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ReleaseExportTests
{
    [Fact]
    public void AnEmaWhoseKeysDoNotMatchTheModelIsRefusedAndNothingIsWritten()
    {
        var (checkpoint, release) = TestReleases.Export(new TinyDenoiser(), "export-keys");
        var releaseBytes = File.ReadAllBytes(Path.Combine(release, CheckpointLayout.ModelFile));
        string ema = Path.Combine(checkpoint, CheckpointLayout.EmaFile);
        TestReleases.EditHeader(ema, header => header.Replace("\"fc2.bias\"", "\"fc9.bias\""));
        TestReleases.Restamp(checkpoint); // the checkpoint verifies: only the keys are wrong

        var error = Assert.Throws<CheckpointException>(() => ReleaseExport.Export(checkpoint, release, new TinyDenoiser()));
        Assert.Equal(ema, error.Path);
        Assert.Contains($"'{ema}' (EMA weights) does not match the model", error.Message);
        Assert.Contains("missing keys [fc2.bias]", error.Message);
        Assert.Contains("unexpected keys [fc9.bias]", error.Message);
        // The previous release is untouched, and no other was started.
        Assert.Equal(releaseBytes, File.ReadAllBytes(Path.Combine(release, CheckpointLayout.ModelFile)));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(release)!, ".tmp-*"));

        string fresh = Path.Combine(Path.GetDirectoryName(release)!, "fresh");
        Assert.Throws<CheckpointException>(() => ReleaseExport.Export(checkpoint, fresh, new TinyDenoiser()));
        Assert.False(Directory.Exists(fresh));
    }

    [Fact]
    public void AModelOfOtherShapesOrAnotherDescriptionIsRefusedListingTheDifferences()
    {
        var (checkpoint, release) = TestReleases.Export(new TinyDenoiser(), "export-shapes");
        string target = release + "-2";

        // Claims the same description, but its network has other shapes and an extra layer.
        var liar = new TinyDenoiser(hidden: 32, extraLayer: true, description: TinyDenoiser.Describe(64));
        var error = Assert.Throws<CheckpointException>(() => ReleaseExport.Export(checkpoint, target, liar));
        Assert.Equal(Path.Combine(checkpoint, CheckpointLayout.EmaFile), error.Path);
        Assert.Contains("missing keys [fc3.weight, fc3.bias]", error.Message);
        Assert.Contains("fc1.weight: file (64, 17) vs model (32, 17)", error.Message);

        error = Assert.Throws<CheckpointException>(() => ReleaseExport.Export(checkpoint, target, new TinyDenoiser(hidden: 32)));
        Assert.Contains(CheckpointLayout.ConfigFile, error.Message);
        Assert.Contains("Network.hidden: checkpoint 64, model 32", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void AReleaseOfTheRightModelLoadsAndVerifies()
    {
        var model = new TinyDenoiser(initSeed: 4);
        var (_, release) = TestReleases.Export(model, "export-good");
        CheckpointVerification.Verify(release);
        var loaded = new TinyDenoiser(initSeed: 8);
        CheckpointLoader.LoadForSampling(loaded, release);
        Assert.Equal(model.Network.state_dict().Keys.Order(), loaded.Network.state_dict().Keys.Order());
    }
}
