using System;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Unclip;

/// <summary>
/// An unCLIP prior's data (Ramesh et al. 2022, Sec. 2.1): example i is image i's embedding (D, 1, 1), the prior's
/// "image", with i in the labels' place, from which <see cref="Text.TextTrainable"/> draws one of image i's captions.
/// </summary>
public sealed class PriorTrainingSet : ITrainingSet, IDisposable
{
    private readonly Tensor embeddings;

    /// <summary>The set over <paramref name="embeddings"/> (N, D), one row per image (copied; the caller keeps its tensor).</summary>
    public PriorTrainingSet(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2) throw new ArgumentException($"image embeddings must be (N, D), not ({string.Join(", ", embeddings.shape)}).", nameof(embeddings));
        this.embeddings = embeddings.detach().to(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public long Count => embeddings.shape[0];

    /// <summary>Checks that the prior generates embeddings of this width: channels D, size 1, no classes.</summary>
    public void Validate(int channels, int imageSize, int? classes)
    {
        if (channels != embeddings.shape[1] || imageSize != 1)
            throw new ArgumentException($"The image embeddings are {embeddings.shape[1]} wide; the prior generates ({channels}, {imageSize}, {imageSize}): "
                + "train it with an image encoder of its EmbeddingDim.");
        if (classes is not null) throw new ArgumentException($"A prior is conditioned on text, not classes (the model has {classes}).");
    }

    /// <summary>The embeddings at <paramref name="indices"/> as (B, D, 1, 1) and the indices themselves (B) int64.</summary>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        using var rows = tensor(indices, ScalarType.Int64);
        var picked = embeddings.index_select(0, rows);
        return (picked.view(picked.shape[0], picked.shape[1], 1, 1), tensor(indices, ScalarType.Int64));
    }

    /// <summary>Frees the embeddings.</summary>
    public void Dispose() => embeddings.Dispose();
}
