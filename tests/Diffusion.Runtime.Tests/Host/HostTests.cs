using System.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// The host on a user's own declarations (tests/HostTestApp): --model chooses among them, the data must fit the
/// declaration, and train, sample, eval and resume work with the sizes, channels, classes, samplers and guidance the
/// declarations give.
/// </summary>
public class HostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    private static void AssertRefused((int ExitCode, string Output, string Error) result, params string[] expected) =>
        HostApp.AssertRefused(result, expected);

    [Fact]
    public void Model_names_the_declared_models_and_refuses_others_listing_them()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 2);
        var help = Run("sample", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("RgbConsistency, RgbConsistencyDistilled, RgbDiffusion, RgbDistilled, RgbLatentConsistency (rgb-lcd), RgbLatentDiffusion (rgb-ldm), RgbLatentText (rgb-ltext), RgbVelocityDiffusion, "
            + "ShapesBase4 (shapes-base4), ShapesDecoder (shapes-decoder), ShapesDecoder4 (shapes-decoder4), ShapesDiffusion, ShapesPrior (shapes-prior), ShapesText (shapes-text), ShapesTextBase4 (shapes-text-base4), ShapesUp8 (shapes-up8), ShapesUpsampler8 (shapes-upsampler8), ShapesWideText (shapes-wide), ShapesCascade (shapes-cascade), ShapesTextCascade (shapes-text-cascade), ShapesUnclipCascade (shapes-unclip-cascade)", help.Output);

        AssertRefused(Run("train", "--model", "MnistDiffusion", "--data", data, "--out", folder.Combine("run")),
            "--model MnistDiffusion: no such model; this program declares RgbConsistency, RgbConsistencyDistilled, RgbDiffusion, RgbDistilled, RgbLatentConsistency (rgb-lcd), RgbLatentDiffusion (rgb-ldm), RgbLatentText (rgb-ltext), RgbVelocityDiffusion, ShapesBase4 (shapes-base4), ShapesDecoder (shapes-decoder), ShapesDecoder4 (shapes-decoder4), ShapesDiffusion, ShapesPrior (shapes-prior), ShapesText (shapes-text), ShapesTextBase4 (shapes-text-base4), ShapesUp8 (shapes-up8), ShapesUpsampler8 (shapes-upsampler8), ShapesWideText (shapes-wide), RgbAutoencoder (rgb-ae).");
        // Two models and no default: the host does not guess.
        AssertRefused(Run("train", "--data", data, "--out", folder.Combine("run")), "--model is needed: this program declares RgbConsistency, RgbConsistencyDistilled, RgbDiffusion, RgbDistilled, RgbLatentConsistency (rgb-lcd), RgbLatentDiffusion (rgb-ldm), RgbLatentText (rgb-ltext), RgbVelocityDiffusion, ShapesBase4 (shapes-base4), ShapesDecoder (shapes-decoder), ShapesDecoder4 (shapes-decoder4), ShapesDiffusion, ShapesPrior (shapes-prior), ShapesText (shapes-text), ShapesTextBase4 (shapes-text-base4), ShapesUp8 (shapes-up8), ShapesUpsampler8 (shapes-upsampler8), ShapesWideText (shapes-wide), RgbAutoencoder (rgb-ae)");
        Assert.False(Directory.Exists(folder.Combine("run", "checkpoints")));
    }

    public static TheoryData<string, string, string[]> MisfitData() => new()
    {
        // model, what the folder holds, what the message must say ({file} is the offending file, {data} the folder)
        { "RgbDiffusion", "gray", ["{file}", "has 1 channel(s)", "expected 3 (RGB)"] },
        { "rgbdiffusion", "small", ["{file}", "is 8x8 pixels; expected 16x16"] },
        { "RgbDiffusion", "classes", ["--data {data}: has subfolders (0, 1)", "RgbDiffusion is unconditional"] },
        { "ShapesDiffusion", "flat", ["{data}", "class-conditional", "no subfolders"] },
    };

    [Theory]
    [MemberData(nameof(MisfitData))]
    public void Data_that_does_not_fit_the_declaration_is_refused_naming_the_file(string model, string kind, string[] expected)
    {
        using var folder = new TempFolder();
        string data = folder.Combine("data");
        string file = Path.Combine(data, "0.png");
        switch (kind)
        {
            case "gray": TempFolder.WriteGray(file, 16, 16, (x, y) => (byte)(x * y)); break;
            case "small": HostApp.WriteRgb(data, count: 1, size: 8); break;
            case "classes": HostApp.WriteClasses(data, classes: 2, perClass: 1, size: 16); break;
            default: HostApp.WriteRgb(data, count: 2, size: 8); break;
        }
        var result = Run("train", "--model", model, "--data", data, "--out", folder.Combine("run"), "--steps", "1");
        AssertRefused(result, [.. System.Linq.Enumerable.Select(expected, e => e.Replace("{file}", file).Replace("{data}", data))]);
        Assert.False(Directory.Exists(folder.Combine("run", "checkpoints")));
    }

    [Fact]
    public void The_unconditional_rgb_dit_trains_samples_and_resumes_to_the_losses_of_an_uninterrupted_run()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 12);
        string[] common = ["--model", "RgbDiffusion", "--data", data, "--batch-size", "4", "--checkpoint-every", "10", "--log-every", "5"];

        var first = Run(["train", .. common, "--out", folder.Combine("run"), "--steps", "20"]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("[train] 12 images", first.Output);
        Assert.Contains("finished step 20", first.Output);

        // A grid of unconditional samples: 4 in a 2 x 2 square, each 16 px shown at 4x, 2 px padding.
        string grid = folder.Combine("grid.png");
        var sample = Run("sample", "--model", "rgbdiffusion", "--checkpoint", folder.Combine("run"), "--count", "4", "--steps", "2", "--out", grid);
        Assert.Equal(0, sample.ExitCode);
        Assert.Contains("Ddim with 2 steps", sample.Output);
        Assert.Equal((2 * (16 * 4 + 2) + 2, 2 * (16 * 4 + 2) + 2), HostApp.PngSize(grid));
        // What the declaration does not have is refused: DDPM, and guidance without classes.
        AssertRefused(Run("sample", "--model", "RgbDiffusion", "--checkpoint", folder.Combine("run"), "--sampler", "ddpm", "--out", folder.Combine("x.png")),
            "--sampler ddpm: RgbDiffusion declares ddim only");
        AssertRefused(Run("sample", "--model", "RgbDiffusion", "--checkpoint", folder.Combine("run"), "--guidance", "3", "--out", folder.Combine("x.png")),
            "RgbDiffusion is unconditional");

        var resumed = Run(["train", .. common, "--out", folder.Combine("run"), "--steps", "25", "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("finished step 25", resumed.Output);
        var straight = Run(["train", .. common, "--out", folder.Combine("straight"), "--steps", "25"]);
        Assert.Equal(0, straight.ExitCode);
        Assert.Equal(File.ReadAllText(folder.Combine("straight", "loss.csv")), File.ReadAllText(folder.Combine("run", "loss.csv")));
    }

    [Fact]
    public void The_class_conditional_unet_trains_and_samples_one_row_per_class_with_its_declared_guidance()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 4);
        var train = Run("train", "--model", "ShapesDiffusion", "--data", data, "--out", folder.Combine("run"), "--steps", "20", "--batch-size", "6");
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("12 images in 3 classes", train.Output);

        // 3 classes x 2 samples: 3 rows of 2, each 8 px shown at 8x.
        string grid = folder.Combine("grid.png");
        var sample = Run("sample", "--model", "ShapesDiffusion", "--checkpoint", folder.Combine("run"), "--count", "6", "--steps", "2", "--sampler", "ddpm", "--out", grid);
        Assert.Equal(0, sample.ExitCode);
        Assert.Contains("Ddpm with 2 steps, eta 0, guidance 2,", sample.Output);
        Assert.Equal((2 * (8 * 8 + 2) + 2, 3 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));
        AssertRefused(Run("sample", "--model", "ShapesDiffusion", "--checkpoint", folder.Combine("run"), "--count", "4", "--out", folder.Combine("x.png")),
            "--count 4 must be a multiple of 3");

        var bound = Run("eval", "--model", "ShapesDiffusion", "--checkpoint", folder.Combine("run"), "--data", data, "--count", "3", "--timesteps", "2");
        Assert.Equal(0, bound.ExitCode);
        Assert.Contains("bits/dim (standard error, 3 images x 64 dims)", bound.Output);
    }
}
