using System;
using System.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>The shipped U-Net and noisy-classifier releases load into the declared models and drive the commands that use them.</summary>
public class ShippedCheckpointTests
{
    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    [Fact]
    public void The_unet_release_samples_with_classifier_guidance_from_the_noisy_classifier_release()
    {
        using var folder = new TempFolder();
        string grid = folder.Combine("grid.png");
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "sample", "--model", "unet", "--checkpoint", Example("reference-unet"),
            "--count", "10", "--steps", "2", "--guidance", "0", "--classifier", Example("noisy-classifier"), "--classifier-scale", "4", "--out", grid);
        Assert.True(exitCode == 0, output + error);
        Assert.True(File.Exists(grid));
        Assert.Contains("classifier guidance s = 4", output);
    }

    [Fact]
    public void The_noisy_classifier_release_loads_and_the_dit_reference_is_refused_as_a_unet()
    {
        using var folder = new TempFolder();
        string data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 1);
        var (exitCode, output, error) = ExampleCli.Run(TimeSpan.FromMinutes(3), "noisy-accuracy", "--classifier", Example("noisy-classifier"), "--data", data, "--timesteps", "0");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("t =    0", output);

        // A checkpoint of another model is refused with a message naming its config and what differs, not loaded: the
        // DiT reference's name and transformer hyperparameters against the U-Net's.
        var refused = ExampleCli.Run(TimeSpan.FromMinutes(3), "sample", "--model", "unet", "--checkpoint", Example("reference"), "--count", "10", "--steps", "2", "--out", folder.Combine("x.png"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"error: '{Path.Combine(Example("reference"), "config.json")}' was written for another model: ", refused.Error);
        Assert.Contains("Name: checkpoint 'MnistDiffusion', model 'MnistUNetDiffusion'", refused.Error);
        Assert.Contains("Network.patch_size: checkpoint 4, model none", refused.Error);
        Assert.Contains("Network.base_channels: checkpoint none, model 32", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error); // a message, not a stack trace
        Assert.False(File.Exists(folder.Combine("x.png")));
    }
}
