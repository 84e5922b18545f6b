using System.IO;
using System.Linq;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// unCLIP through the host (Ramesh et al. 2022, Sec. 2), with HostTestApp's ShapesPrior and ShapesDecoder and its own
/// text encoder: an image encoder trained against the captions, a prior trained on (caption, image embedding) pairs,
/// a decoder trained on each image's own embedding, then sample --prompt through prior and decoder (and through a cascade
/// whose base is a decoder), and variations of images; what cannot work is refused before any training or sampling.
/// </summary>
public class UnclipHostTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void A_prior_and_a_decoder_train_on_an_image_encoders_embeddings_and_sample_prompts_and_variations()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 2);
        File.WriteAllLines(Path.Combine(data, "captions.tsv"), Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 2)
            .SelectMany(i => new[] { $"{c}/{i}.png\tshape {c}", $"{c}/{i}.png\ta shape of kind {c}" })));
        string encoder = folder.Combine("encoder"), prior = folder.Combine("prior"), decoder = folder.Combine("decoder");
        Assert.Equal(0, Run("train-image-encoder", "--data", data, "--out", encoder, "--batch-size", "6", "--stages", "1", "--image-size", "8",
            "--width", "8", "--steps", "2").ExitCode);

        // The prior: needs the image encoder; learns its embeddings of the captioned images.
        string[] trainPrior = ["train", "--model", "shapes-prior", "--data", data, "--out", prior, "--batch-size", "4"];
        HostApp.AssertRefused(Run(trainPrior), "--image-encoder is needed: ShapesPrior is an unCLIP prior");
        var priorRun = Run([.. trainPrior, "--image-encoder", encoder, "--steps", "2"]);
        Assert.Equal(0, priorRun.ExitCode);
        Assert.Contains("6 images, 12 captions", priorRun.Output);
        Assert.Contains("6 images embedded by the frozen image encoder (3 wide)", priorRun.Output);
        Assert.Contains("finished step 2", priorRun.Output);

        // The decoder: each image from its own embedding; no captions; refused for models that cannot take embeddings.
        string[] trainDecoder = ["train", "--model", "shapes-decoder", "--data", data, "--out", decoder, "--batch-size", "4", "--image-encoder", encoder];
        HostApp.AssertRefused(Run([.. trainDecoder, "--captions", Path.Combine(data, "captions.tsv")]), "--captions: ShapesDecoder trains as an unCLIP decoder");
        HostApp.AssertRefused(Run("train", "--model", "shapes-text", "--data", data, "--out", folder.Combine("x"), "--image-encoder", encoder),
            "ShapesText cross-attends over text tokens");
        HostApp.AssertRefused(Run("train", "--model", "ShapesDiffusion", "--data", data, "--out", folder.Combine("x"), "--image-encoder", encoder),
            "ShapesDiffusion is neither an unCLIP prior nor conditioned on embeddings");
        HostApp.AssertRefused(Run("train", "--model", "shapes-wide", "--data", data, "--out", folder.Combine("x"), "--image-encoder", encoder),
            $"--image-encoder {encoder}: its embeddings are 3 wide, and ShapesWideText is conditioned on 4.");
        var decoderRun = Run([.. trainDecoder, "--steps", "2"]);
        Assert.Equal(0, decoderRun.ExitCode);
        Assert.Contains("6 images embedded by the frozen image encoder (3 wide)", decoderRun.Output);
        Assert.Contains("finished step 2", decoderRun.Output);
        Assert.False(Directory.Exists(folder.Combine("x")), "a refused run left a folder");

        // Prompts through the prior into the decoder: one row per prompt.
        string grid = folder.Combine("grid.png");
        string[] sample = ["sample", "--model", "shapes-decoder", "--checkpoint", decoder, "--out", grid, "--steps", "2"];
        HostApp.AssertRefused(Run([.. sample, "--prior", decoder, "--prompt", "shape 1"]), "ShapesDecoder, which is not an unCLIP prior");
        HostApp.AssertRefused(Run("sample", "--model", "shapes-prior", "--checkpoint", prior, "--out", grid, "--prior", prior, "--prompt", "shape 1"),
            "ShapesPrior is a prior");
        HostApp.AssertRefused(Run("sample", "--model", "ShapesDiffusion", "--checkpoint", decoder, "--out", grid, "--prior", prior),
            "ShapesDiffusion is not conditioned on embeddings");
        var prompted = Run([.. sample, "--prior", prior, "--prompt", "shape 1", "--prompt", "shape 2", "--per-prompt", "2"]);
        Assert.Equal(0, prompted.ExitCode);
        Assert.Contains("prior ", prompted.Output);
        Assert.Contains("Ddim with 2 steps, guidance 2 over text, no thresholding", prompted.Output);
        Assert.Contains("2 row(s) x 2", prompted.Output);
        Assert.Contains("through prior ShapesPrior, encoder host-test/letters", prompted.Output);
        Assert.Equal((2 * (8 * 8 + 2) + 2, 2 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));

        // Variations: each image's embedding decoded with different noise, one row per image.
        string first = Path.Combine(data, "0", "0.png"), second = Path.Combine(data, "2", "1.png");
        HostApp.AssertRefused(Run([.. sample, "--variations-of", first, "--force"]), "--image-encoder is needed");
        HostApp.AssertRefused(Run([.. sample, "--variations-of", first, "--image-encoder", encoder, "--prior", prior, "--force"]), "choose one");
        HostApp.AssertRefused(Run([.. sample, "--variations-of", Path.Combine(data, "missing.png"), "--image-encoder", encoder, "--force"]), "missing.png");
        var varied = Run([.. sample, "--variations-of", first, "--variations-of", second, "--image-encoder", encoder, "--per-prompt", "3", "--force"]);
        Assert.Equal(0, varied.ExitCode);
        Assert.Contains("2 row(s) x 3", varied.Output);
        Assert.Contains($"[sample] row 1: {second}", varied.Output);
        Assert.Equal((3 * (8 * 8 + 2) + 2, 2 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));

        // A cascade whose base is a 4x4 decoder: it trains on the images area-averaged, from the embeddings of the 8x8 ones;
        // prompts go through the prior, the decoder and the upsampler.
        string decoder4 = folder.Combine("decoder4"), upsampler = folder.Combine("upsampler");
        string[] trainDecoder4 = ["train", "--model", "shapes-decoder4", "--data", data, "--out", decoder4, "--batch-size", "4", "--image-encoder", encoder, "--steps", "2"];
        HostApp.AssertRefused(Run(trainDecoder4), $"--image-encoder {encoder}: it embeds 8x8x1 images, and ShapesDecoder4 makes 4x4x1.");
        HostApp.AssertRefused(Run("train", "--model", "shapes-prior", "--data", data, "--out", folder.Combine("x"), "--image-encoder", encoder, "--area-from", "16"),
            "--area-from: ShapesPrior is an unCLIP prior");
        var decoder4Run = Run([.. trainDecoder4, "--area-from", "8"]);
        Assert.Equal(0, decoder4Run.ExitCode);
        Assert.Contains("6 images embedded by the frozen image encoder (3 wide)", decoder4Run.Output);
        Assert.Contains("finished step 2", decoder4Run.Output);
        Assert.Equal(0, Run("train", "--model", "shapes-upsampler8", "--data", data, "--out", upsampler, "--batch-size", "4", "--steps", "2").ExitCode);
        string[] cascade = ["sample", "--model", "shapes-unclip-cascade", "--checkpoint", "shapes-decoder4=" + decoder4,
            "--checkpoint", "shapes-upsampler8=" + upsampler, "--out", grid, "--steps", "2", "--force", "--prompt", "shape 1"];
        HostApp.AssertRefused(Run([.. cascade, "--variations-of", first, "--image-encoder", encoder]),
            "--variations-of and --image-encoder: ShapesUnclipCascade samples from prompts");
        HostApp.AssertRefused(Run("sample", "--model", "shapes-cascade", "--checkpoint", "shapes-base4=" + decoder4, "--checkpoint", "shapes-up8=" + upsampler,
            "--out", grid, "--prior", prior), "--prior, --image-encoder and --variations-of are for an unCLIP decoder; ShapesCascade is a cascade");
        var chained = Run([.. cascade, "--prior", prior, "--prompt", "shape 2", "--per-prompt", "2", "--stages"]);
        Assert.Equal(0, chained.ExitCode);
        Assert.Contains("Ddim with 2 steps, guidance 2 over text, no thresholding", chained.Output);
        Assert.Contains("through prior ShapesPrior, encoder host-test/letters", chained.Output);
        Assert.Contains("ShapesUnclipCascade: 2 stages, the upsamplers unguided", chained.Output);
        Assert.Equal((2 * (8 * 8 + 2) + 2, 2 * (8 * 8 + 2) + 2), HostApp.PngSize(grid));
        Assert.Equal((2 * (4 * 16 + 2) + 2, 2 * (4 * 16 + 2) + 2), HostApp.PngSize(Path.Combine(folder.Path, "grid.stage0.png")));
    }
}
