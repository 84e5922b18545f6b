using System.IO;
using System.Linq;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// A user's [Cascade] (tests/HostTestApp's ShapesCascade) through the host: the base trains on the 8x8 shapes
/// area-averaged to 4x4 (--area-from 8), the super-resolution stage on the 8x8 shapes themselves (it makes its own 4x4
/// inputs), and sample --model the cascade loads a checkpoint per stage and writes the final grid and, with --stages,
/// the base's.
/// </summary>
public class CascadeHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void A_cascades_stages_train_on_the_same_data_and_the_cascade_samples_each_stages_grid()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 4);
        string baseRun = folder.Combine("base"), upRun = folder.Combine("up");
        string[] train = ["train", "--data", data, "--steps", "2", "--batch-size", "4"];

        HostApp.AssertRefused(Run([.. train, "--model", "shapes-base4", "--out", baseRun]), "is 8x8 pixels; expected 4x4");
        HostApp.AssertRefused(Run([.. train, "--model", "shapes-base4", "--out", baseRun, "--area-from", "6"]),
            "--area-from 6: must be a multiple of ShapesBase4's size 4");
        var trainedBase = Run([.. train, "--model", "shapes-base4", "--out", baseRun, "--area-from", "8"]);
        Assert.Equal(0, trainedBase.ExitCode);
        Assert.Contains("finished step 2", trainedBase.Output);
        var trainedUp = Run([.. train, "--model", "shapes-up8", "--out", upRun]);
        Assert.Equal(0, trainedUp.ExitCode);
        Assert.Contains("finished step 2", trainedUp.Output);
        HostApp.AssertRefused(Run([.. train, "--model", "shapes-cascade", "--out", folder.Combine("c")]), "ShapesCascade is a cascade");

        string grid = folder.Combine("grid.png");
        string[] sample = ["sample", "--model", "shapes-cascade", "--out", grid, "--count", "6", "--steps", "2"];
        HostApp.AssertRefused(Run([.. sample, "--checkpoint", "shapes-base4=" + baseRun]),
            "--checkpoint ShapesUp8 (shapes-up8)=PATH is needed");
        HostApp.AssertRefused(Run([.. sample, "--checkpoint", baseRun]), "takes STAGE=PATH, once per stage");
        HostApp.AssertRefused(Run([.. sample, "--checkpoint", "shapes-base4=" + baseRun, "--checkpoint", "shapes-up8=" + upRun,
            "--augmentation-level", "2.5"]), "--augmentation-level: ShapesUp8's augmentation level 2.5 is no Gaussian level; use a whole number of steps in 0..100.");
        HostApp.AssertRefused(Run("sample", "--model", "shapes-up8", "--checkpoint", upRun, "--out", grid),
            "ShapesUp8 is a super-resolution stage: it samples conditioned on a low-resolution image");
        var sampled = Run([.. sample, "--checkpoint", "shapes-base4=" + baseRun, "--checkpoint", "SHAPESUP8=" + upRun,
            "--stages", "--augmentation-level", "3"]);
        Assert.Equal(0, sampled.ExitCode);
        Assert.Contains("[sample] stage 0 ShapesBase4 from", sampled.Output);
        Assert.Contains("[sample] stage 1 ShapesUp8 from", sampled.Output);
        Assert.Contains("2 stages, Ddim with 2 steps, eta 0, guidance 2, Static thresholding, augmentation level 3", sampled.Output);
        // 3 classes x 2 samples: 3 rows of 2; the stage-0 grid holds the 4x4 base samples the 8x8 ones were conditioned on.
        Assert.True(File.Exists(grid));
        string baseGrid = Path.Combine(folder.Path, "grid.stage0.png");
        Assert.True(File.Exists(baseGrid));
        // 8 px shown at 8x and 4 px at 16x: 64 px cells, 2 px padding.
        Assert.Equal((2 * (8 * 8 + 2) + 2, 3 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));
        Assert.Equal((2 * (4 * 16 + 2) + 2, 3 * (4 * 16 + 2) + 2), HostApp.PngSize(baseGrid));
    }

    [Fact]
    public void A_cascade_from_text_trains_its_base_on_captions_area_averaged_and_samples_a_row_per_prompt_through_every_stage()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 2);
        File.WriteAllLines(Path.Combine(data, "captions.tsv"), Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 2).Select(i => $"{c}/{i}.png\tshape {c}")));
        string baseRun = folder.Combine("base"), upRun = folder.Combine("up");
        string[] train = ["train", "--data", data, "--steps", "2", "--batch-size", "4"];

        HostApp.AssertRefused(Run([.. train, "--model", "shapes-text-base4", "--out", baseRun]), "is 8x8 pixels; expected 4x4");
        var trainedBase = Run([.. train, "--model", "shapes-text-base4", "--out", baseRun, "--area-from", "8"]);
        Assert.Equal(0, trainedBase.ExitCode);
        Assert.Contains("--area-from 8: each 2x2 block averaged to ShapesTextBase4's 4x4", trainedBase.Output);
        Assert.Contains("finished step 2", trainedBase.Output);
        // The upsampler takes no labels: the class subfolders are only where its images live.
        var trainedUp = Run([.. train, "--model", "shapes-upsampler8", "--out", upRun]);
        Assert.Equal(0, trainedUp.ExitCode);
        Assert.Contains("finished step 2", trainedUp.Output);

        string grid = folder.Combine("grid.png");
        string[] sample = ["sample", "--model", "shapes-text-cascade", "--out", grid, "--steps", "2",
            "--checkpoint", "shapes-text-base4=" + baseRun, "--checkpoint", "shapes-upsampler8=" + upRun];
        HostApp.AssertRefused(Run(sample), "--prompt TEXT or --prompts FILE is needed");
        HostApp.AssertRefused(Run([.. sample, "--prompt", "shape 1", "--count", "4"]), "--count: ShapesTextCascade samples --per-prompt images");
        HostApp.AssertRefused(Run("sample", "--model", "shapes-cascade", "--checkpoint", "shapes-base4=" + baseRun, "--checkpoint", "shapes-up8=" + upRun,
            "--out", grid, "--prompt", "shape 1"), "--prompt and --prompts are for a cascade whose base is conditioned on text; ShapesCascade's base is not.");
        var sampled = Run([.. sample, "--prompt", "shape 1", "--prompt", "shape 2", "--per-prompt", "3", "--stages"]);
        Assert.Equal(0, sampled.ExitCode);
        Assert.Contains("[sample] stage 0 ShapesTextBase4 from", sampled.Output);
        Assert.Contains("ShapesTextCascade: 2 stages, the upsamplers unguided at augmentation level as declared", sampled.Output);
        Assert.Contains("2 row(s) x 3, Ddim with 2 steps, eta 0, guidance 2, Dynamic thresholding; encoder host-test/letters", sampled.Output);
        Assert.Contains("[sample] row 1: shape 2", sampled.Output);
        // 2 prompts x 3 samples: the 8x8 grid at 8x and the 4x4 base grid at 16x, 64 px cells, 2 px padding.
        Assert.Equal((3 * (8 * 8 + 2) + 2, 2 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));
        Assert.Equal((3 * (4 * 16 + 2) + 2, 2 * (4 * 16 + 2) + 2), HostApp.PngSize(Path.Combine(folder.Path, "grid.stage0.png")));
    }
}
