using System;
using System.Diagnostics;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;
using Diffusion.Runtime.Unclip;
using static TorchSharp.torch;

namespace Diffusion.Cli.Training;

/// <summary>
/// What train adds for unCLIP's two stages (Ramesh et al. 2022, Sec. 2) given --image-encoder (a run of
/// train-image-encoder): a prior learns the image encoder's embedding of each training image from one of its captions;
/// a decoder (a model with a pooled-only [TextConditioning] of the joint space's width) learns each image from its own
/// embedding. The embeddings are computed once, before the first step; the image encoder stays frozen.
/// </summary>
internal static class UnclipRun
{
    /// <summary>
    /// The frozen image encoder of <paramref name="path"/> for <paramref name="model"/>: checked to fit it (width; for a
    /// decoder, images of its size, or of <paramref name="imageSize"/> when it trains on them area-averaged).
    /// </summary>
    public static ContrastiveImageEncoder LoadEncoder(string path, ITextDiffusionModel model, Device device, bool verify, int? imageSize = null)
    {
        var encoder = ContrastiveImageEncoder.Load(path, device, verify);
        int width = model is IDiffusionPrior prior ? prior.EmbeddingDim : model.PooledDim;
        var images = encoder.Description;
        int side = imageSize ?? model.Description.ImageSize, channels = model.Description.Channels;
        string? problem = encoder.EmbeddingDim != width
            ? $"its embeddings are {encoder.EmbeddingDim} wide, and {model.Description.Name} {(model is IDiffusionPrior ? "generates" : "is conditioned on")} {width}"
            : model is not IDiffusionPrior && (images.Channels != channels || images.ImageSize != side)
                ? $"it embeds {images.ImageSize}x{images.ImageSize}x{images.Channels} images, and {model.Description.Name} "
                    + (imageSize is null ? "makes" : "trains from (--area-from)") + $" {side}x{side}x{channels}"
                : null;
        if (problem is null) return encoder;
        encoder.Dispose();
        throw new CommandLineException($"--image-encoder {path}: {problem}.");
    }

    /// <summary>A prior's objective and data: (image embedding, one of the image's captions) pairs.</summary>
    public static (ITrainableModel Objective, ITrainingSet Data) PreparePrior(IDiffusionPrior prior, CaptionedImageFolder folder, string dataDir,
        Func<ITextEncoder>? textEncoder, ContrastiveImageEncoder imageEncoder, string tag)
    {
        var captions = TextRun.EmbedCaptions(prior, folder, dataDir, textEncoder, tag);
        using var embeddings = Embed(imageEncoder, folder.Images, tag);
        return (new TextTrainable(prior, folder.Captions, captions), new PriorTrainingSet(embeddings));
    }

    /// <summary>A decoder's objective and data: each image with its own embedding; with <paramref name="areaFrom"/>, the images area-averaged to the decoder's size.</summary>
    public static (ITrainableModel Objective, ITrainingSet Data) PrepareDecoder(ITextDiffusionModel decoder, ITrainingSet images, ContrastiveImageEncoder imageEncoder, string tag,
        int? areaFrom = null)
    {
        string name = decoder.Description.Name;
        if (decoder is IConsistencyModel or IDistillationStudent)
            throw new CommandLineException($"{name}: consistency models and students do not train as unCLIP decoders yet.");
        if (decoder.ReadsTokens)
            throw new CommandLineException($"--image-encoder: {name} cross-attends over text tokens, and an image embedding has none; "
                + "declare the decoder's [TextConditioning] with CrossAttention = false.");
        using var embeddings = Embed(imageEncoder, images, tag);
        ITrainingSet data = new IndexedTrainingSet(images);
        // A cascade's base decoder (--area-from): the area-averaged image from the embedding of the whole one, as unCLIP's
        // 64x64 decoder learns from CLIP's embeddings of the larger images (Ramesh et al. 2022, Sec. 2.1).
        return (new DecoderTrainable(decoder, embeddings),
            areaFrom is { } side ? new Diffusion.Runtime.Cascades.AreaDownsampledTrainingSet(data, side, decoder.Description.ImageSize) : data);
    }

    private static Tensor Embed(ContrastiveImageEncoder encoder, ITrainingSet images, string tag)
    {
        var watch = Stopwatch.StartNew();
        var embeddings = ImageEmbeddings.Of(encoder, images);
        Console.WriteLine($"{tag} {embeddings.shape[0]} images embedded by the frozen image encoder ({encoder.EmbeddingDim} wide) in {watch.Elapsed.TotalSeconds:F1} s");
        return embeddings;
    }
}
