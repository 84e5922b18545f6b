using System.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// train on a user's [Autoencoder] (tests/HostTestApp's RgbAutoencoder): images of class folders taken unlabelled,
/// checkpoints, the reconstruction grid, an exact resume; and sample refusing it with a message.
/// </summary>
public class AutoencoderHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void The_autoencoder_trains_on_class_folders_writes_its_reconstructions_and_resumes_to_the_losses_of_an_uninterrupted_run()
    {
        using var folder = new TempFolder();
        string data = folder.Combine("rgb");
        HostApp.WriteRgb(Path.Combine(data, "cats"), count: 4, seed: 1);
        HostApp.WriteRgb(Path.Combine(data, "dogs"), count: 4, seed: 3);
        string run = folder.Combine("run");
        string[] common = ["--model", "rgb-ae", "--data", data, "--batch-size", "4", "--checkpoint-every", "3", "--log-every", "1"];

        var first = Run(["train", .. common, "--out", run, "--steps", "3"]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("[train] 8 images", first.Output);
        Assert.Contains("finished step 3", first.Output);
        Assert.Contains("PSNR", first.Output);
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints")));
        // The eight images above their eight reconstructions, each 16 px shown at 4x, 2 px padding.
        Assert.Equal((8 * (16 * 4 + 2) + 2, 2 * (16 * 4 + 2) + 2), HostApp.PngSize(Path.Combine(run, "reconstructions.png")));

        HostApp.AssertRefused(Run("sample", "--model", "rgb-ae", "--checkpoint", run, "--out", folder.Combine("x.png")),
            "--model rgb-ae: RgbAutoencoder is an autoencoder: it encodes and decodes images and has nothing to sample");

        var resumed = Run(["train", .. common, "--out", run, "--steps", "5", "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("finished step 5", resumed.Output);
        var straight = Run(["train", .. common, "--out", folder.Combine("straight"), "--steps", "5"]);
        Assert.Equal(0, straight.ExitCode);
        Assert.Equal(File.ReadAllText(folder.Combine("straight", "loss.csv")), File.ReadAllText(Path.Combine(run, "loss.csv")));
    }
}
