using System.IO;
using System.Linq;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// A user's text-conditioned model (tests/HostTestApp's ShapesText) through the host, with the user's own text encoder
/// (HostTestApp's LetterEncoder, handed to the host in HostOptions.TextEncoder): train reads the folder's captions.tsv,
/// encodes its distinct captions once into the cache beside the data (a second run encodes none), and sample encodes
/// the prompts and writes one row per prompt.
/// </summary>
public class TextHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void A_text_model_trains_on_captions_encoded_once_and_samples_a_row_per_prompt()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 2);
        // Two captions per image: 6 images, 12 lines, 6 distinct captions.
        var lines = Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 2)
            .SelectMany(i => new[] { $"{c}/{i}.png\tshape {c}", $"{c}/{i}.png\ta shape of kind {c}" }));
        string captions = Path.Combine(data, "captions.tsv");
        File.WriteAllLines(captions, lines.Skip(2));    // 0/0.png uncaptioned
        string run = folder.Combine("run");
        string[] train = ["train", "--model", "shapes-text", "--data", data, "--batch-size", "4"];

        HostApp.AssertRefused(Run([.. train, "--out", run]), "has no caption for 1 image(s)", "'0/0.png'");
        File.WriteAllLines(captions, lines);
        HostApp.AssertRefused(Run("train", "--model", "ShapesDiffusion", "--data", data, "--out", run, "--captions", captions),
            "--captions: ShapesDiffusion is not conditioned on text.");
        // A model wider than the program's encoder is refused before anything is read or written.
        HostApp.AssertRefused(Run("train", "--model", "shapes-wide", "--data", data, "--out", folder.Combine("wide"), "--steps", "1"),
            "ShapesWideText takes text embeddings of 4 (pooled) and 3 (tokens), but the host's encoder host-test/letters gives 3 and 3.");
        Assert.False(Directory.Exists(folder.Combine("wide")), "a refused run left a folder");
        var trained = Run([.. train, "--out", run, "--steps", "2"]);
        Assert.Equal(0, trained.ExitCode);
        Assert.Contains("6 images, 12 captions", trained.Output);
        Assert.Contains("6 distinct captions by host-test/letters: 6 encoded, 0 from", trained.Output);
        Assert.Contains("captions of more than 8 tokens (the longest has 12) give ShapesText their first 8", trained.Output);
        Assert.Contains("finished step 2", trained.Output);
        Assert.True(File.Exists(Path.Combine(data, "caption-embeddings.letters.safetensors")));
        var again = Run([.. train, "--out", folder.Combine("again"), "--steps", "1"]);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("6 distinct captions by host-test/letters: 0 encoded, 6 from", again.Output);

        string grid = folder.Combine("grid.png");
        string[] sample = ["sample", "--model", "shapes-text", "--checkpoint", run, "--out", grid, "--steps", "2"];
        HostApp.AssertRefused(Run(sample), "--prompt TEXT or --prompts FILE is needed");
        HostApp.AssertRefused(Run([.. sample, "--prompt", "shape 1", "--count", "4"]), "--count: ShapesText samples --per-prompt images");
        HostApp.AssertRefused(Run("sample", "--model", "ShapesDiffusion", "--checkpoint", run, "--out", grid, "--prompt", "shape 1"),
            "--prompt and --prompts are for a text-conditioned model");
        string prompts = folder.Combine("prompts.tsv");
        File.WriteAllLines(prompts, ["# digit<TAB>prompt", "", "2\tshape 2", "shape of kind 0"]);
        HostApp.AssertRefused(Run("sample", "--model", "shapes-wide", "--checkpoint", run, "--out", grid, "--prompt", "shape 1"),
            "ShapesWideText takes text embeddings of 4 (pooled)");
        var sampled = Run([.. sample, "--prompt", "shape 1", "--prompts", prompts, "--per-prompt", "3"]);
        Assert.Equal(0, sampled.ExitCode);
        Assert.Contains("3 row(s) x 3, Ddim with 2 steps, eta 0, guidance 2, Dynamic thresholding; encoder host-test/letters", sampled.Output);
        Assert.Contains("[sample] row 0: shape 1", sampled.Output);
        Assert.Contains("[sample] row 1: shape 2", sampled.Output);
        Assert.Contains("[sample] row 2: shape of kind 0", sampled.Output);
        // 3 prompts x 3 samples: 3 rows of 3 cells of 8 px shown at 8x, 2 px padding.
        Assert.Equal((3 * (8 * 8 + 2) + 2, 3 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));
    }
}
