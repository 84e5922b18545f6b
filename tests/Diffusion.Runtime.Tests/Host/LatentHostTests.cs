using System.IO;
using System.Linq;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// A user's [LatentDiffusion] model (tests/HostTestApp's RgbLatentDiffusion on RgbAutoencoder) through the host: train
/// the autoencoder, train the latent model with its checkpoint (the scale factor computed and printed), resume without
/// it, and sample a grid of decoded images from the latent model's checkpoint alone.
/// </summary>
public class LatentHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void A_latent_model_trains_on_a_frozen_autoencoder_resumes_without_it_and_samples_decoded_images()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 8, seed: 5);
        string autoencoder = folder.Combine("ae");
        Assert.Equal(0, Run("train", "--model", "rgb-ae", "--data", data, "--out", autoencoder, "--steps", "2", "--batch-size", "4").ExitCode);

        string run = folder.Combine("ldm");
        string[] common = ["--model", "rgb-ldm", "--data", data, "--out", run, "--batch-size", "4"];
        HostApp.AssertRefused(Run(["train", .. common, "--steps", "2"]),
            "--autoencoder is needed: RgbLatentDiffusion diffuses on the latents of RgbAutoencoder");
        var first = Run(["train", .. common, "--steps", "2", "--autoencoder", autoencoder]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("[train] autoencoder RgbAutoencoder from", first.Output);
        Assert.Contains("latent scale factor s = 1 / std(z) = ", first.Output);
        Assert.Contains("over the latents of the first 8 images", first.Output);
        Assert.Contains("finished step 2", first.Output);

        var resumed = Run(["train", .. common, "--steps", "3", "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("finished step 3", resumed.Output);
        Assert.DoesNotContain("latent scale factor", resumed.Output);

        // A consistency model distilled from the latent model takes its teacher's autoencoder and latent scale, and
        // samples decoded images in one step from its own checkpoint.
        string scale = System.Text.RegularExpressions.Regex.Match(first.Output, @"std\(z\) = ([0-9.eE+-]+)").Groups[1].Value;
        string student = folder.Combine("lcd");
        string[] distill = ["train", "--model", "rgb-lcd", "--data", data, "--out", student, "--batch-size", "4", "--steps", "2", "--teacher", run];
        HostApp.AssertRefused(Run([.. distill, "--autoencoder", autoencoder]),
            "--autoencoder: RgbLatentConsistency takes its teacher RgbLatentDiffusion's autoencoder and latent scale with its weights");
        var distilled = Run(distill);
        Assert.Equal(0, distilled.ExitCode);
        Assert.Contains($"[train] autoencoder RgbAutoencoder and latent scale factor s = {scale} from the teacher RgbLatentDiffusion", distilled.Output);
        Assert.Contains("finished step 2", distilled.Output);
        string oneStep = folder.Combine("lcd.png");
        var consistency = Run("sample", "--model", "rgb-lcd", "--checkpoint", student, "--out", oneStep, "--count", "4", "--steps", "1");
        Assert.Equal(0, consistency.ExitCode);
        Assert.Contains("Consistency with 1 steps", consistency.Output);
        Assert.True(File.Exists(oneStep));

        // The autoencoder's run is gone: the latent model's checkpoint samples on its own.
        Directory.Delete(autoencoder, recursive: true);
        string grid = folder.Combine("grid.png");
        var sampled = Run("sample", "--model", "rgb-ldm", "--checkpoint", run, "--out", grid, "--count", "4", "--steps", "3", "--sampler", "ddpm");
        Assert.Equal(0, sampled.ExitCode);
        Assert.Contains("None thresholding", sampled.Output);
        Assert.True(File.Exists(grid));
    }

    [Fact]
    public void A_latent_text_model_trains_on_captioned_latents_and_samples_decoded_rows_per_prompt()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 6, seed: 7);
        File.WriteAllLines(Path.Combine(data, "captions.tsv"), Enumerable.Range(0, 6).Select(i => $"{i}.png\tcolour {i % 3}"));
        string autoencoder = folder.Combine("ae");
        Assert.Equal(0, Run("train", "--model", "rgb-ae", "--data", data, "--out", autoencoder, "--steps", "2", "--batch-size", "3").ExitCode);

        string run = folder.Combine("ltext");
        string[] train = ["train", "--model", "rgb-ltext", "--data", data, "--out", run, "--batch-size", "3"];
        var first = Run([.. train, "--steps", "2", "--autoencoder", autoencoder]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("6 images, 6 captions", first.Output);
        Assert.Contains("3 distinct captions by host-test/letters: 3 encoded", first.Output);
        Assert.Contains("latent scale factor s = 1 / std(z) = ", first.Output);
        Assert.Contains("finished step 2", first.Output);
        var resumed = Run([.. train, "--steps", "3", "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("finished step 3", resumed.Output);

        // The autoencoder's run is gone: the checkpoint samples prompts on its own, unthresholded latents decoded.
        Directory.Delete(autoencoder, recursive: true);
        string grid = folder.Combine("prompts.png");
        var sampled = Run("sample", "--model", "rgb-ltext", "--checkpoint", run, "--out", grid, "--steps", "2",
            "--prompt", "colour 1", "--prompt", "colour 2", "--per-prompt", "3");
        Assert.Equal(0, sampled.ExitCode);
        Assert.Contains("guidance 2, None thresholding", sampled.Output);
        Assert.Contains("wrote " + grid + " (6 images", sampled.Output);
        using var image = SixLabors.ImageSharp.Image.Load(grid);
        int cell = (image.Height - 2) / 2;    // two rows of three cells, 2 pixels of padding around and between
        Assert.Equal(3 * cell + 2, image.Width);
    }
}
