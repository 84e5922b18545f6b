using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// train-image-encoder through the host of a user's program with its own text encoder (HostTestApp's LetterEncoder, 3-d
/// pooled): it trains on a captioned folder into --out alone (the caption cache beside the data, as train keeps it),
/// prints zero-shot top-1 on held-out class folders, refuses what cannot work before training, and writes checkpoints
/// that the runtime's <see cref="ContrastiveImageEncoder.Load"/> reads with its usual checks.
/// </summary>
public class ImageEncoderHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void An_image_encoder_trains_on_captions_and_reports_zero_shot_accuracy_on_held_out_classes()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 4);
        File.WriteAllLines(Path.Combine(data, "captions.tsv"), Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 4)
            .SelectMany(i => new[] { $"{c}/{i}.png\tshape {c}", $"{c}/{i}.png\ta shape of kind {c}" })));
        string heldOut = HostApp.WriteClasses(folder.Combine("held-out"), classes: 3, perClass: 2, seed: 9);
        string run = folder.Combine("run");
        string[] command = ["train-image-encoder", "--data", data, "--out", run, "--batch-size", "6", "--stages", "1"];
        string[] train = [.. command, "--image-size", "8", "--width", "8"];

        HostApp.AssertRefused(Run([.. train, "--class-caption", "shape 0"]), "--class-caption: needs --eval-data");
        HostApp.AssertRefused(Run([.. train, "--eval-data", heldOut, "--class-caption", "shape 0", "--class-caption", "shape 1"]),
            "--class-caption: 2 given, but --eval-data", "has 3 class folders (0, 1, 2)");
        HostApp.AssertRefused(Run([.. train, "--channels", "2"]), "--channels 2: use 1 (grayscale) or 3 (RGB).");
        HostApp.AssertRefused(Run([.. command, "--image-size", "8", "--width", "12"]), "--width 12 --stages 1:", "multiple of 8");
        HostApp.AssertRefused(Run([.. command, "--image-size", "16", "--width", "8"]), "16x16");
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")), "a refused command wrote checkpoints");

        var dataBefore = Files(data);
        var heldOutBefore = Files(heldOut);
        var trained = Run([.. train, "--steps", "3", "--eval-data", heldOut, "--class-caption", "shape 0", "--class-caption", "shape 1", "--class-caption", "shape 2"]);
        Assert.Equal(0, trained.ExitCode);
        Assert.Contains("12 images, 24 captions", trained.Output);
        Assert.Contains("6 distinct captions by host-test/letters (3-d pooled): 6 encoded, 0 from", trained.Output);
        Assert.Contains("held out: 6 images of 3 classes", trained.Output);
        Assert.Contains("finished step 3", trained.Output);
        Assert.Contains("zero-shot top-1 on 6 held-out images among 3 class captions", trained.Output);
        Assert.Contains("(chance 0.3333)", trained.Output);
        Assert.Contains("2 'shape 2': ", trained.Output);
        // Beside the data only the caption cache (train's, shared); nothing in the held-out folder; the run in --out.
        Assert.Equal(["caption-embeddings.letters.safetensors"], Files(data).Except(dataBefore));
        Assert.Equal(heldOutBefore, Files(heldOut));
        Assert.True(File.Exists(Path.Combine(run, "loss.csv")) && File.Exists(Path.Combine(run, "loss.png")));

        using var encoder = ContrastiveImageEncoder.Load(run);
        Assert.Equal(3, encoder.EmbeddingDim);
        using var images = zeros(2, 1, 8, 8);
        using var embedded = encoder.Embed(images);
        Assert.Equal(1f, embedded[0].norm().item<float>(), 1e-5f);

        // The run resumes; a resumed run of another width is refused by the checkpoint's description.
        var resumed = Run([.. train, "--steps", "4", "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("finished step 4", resumed.Output);
        Assert.Contains("0 encoded, 6 from", resumed.Output);    // the cache beside the data, read back
        HostApp.AssertRefused(Run([.. command, "--image-size", "8", "--width", "16", "--steps", "5", "--resume"]), "width");
    }

    private static string[] Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
}
