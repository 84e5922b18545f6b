using System;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Unclip;

/// <summary>
/// An unCLIP decoder's conditioning (Ramesh et al. 2022, Sec. 2.2): a model declared with a pooled-only
/// [TextConditioning] of the joint space's width reads image embeddings where a text model reads pooled text
/// embeddings; its null embedding serves the dropped rows and guidance as for text.
/// </summary>
public static class EmbeddingConditioning
{
    /// <summary>
    /// The conditioning of image <paramref name="embeddings"/> (N, D): pooled = the embeddings, no token states (a decoder
    /// takes none). New tensors in the caller's dispose scope, on the embeddings' device.
    /// </summary>
    public static TextConditioning From(Tensor embeddings, int tokenDim)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2) throw new ArgumentException($"image embeddings must be (N, D), not ({string.Join(", ", embeddings.shape)}).", nameof(embeddings));
        long n = embeddings.shape[0];
        return new TextConditioning(embeddings.alias(), zeros(n, 0, tokenDim, device: embeddings.device),
            zeros(n, 0, dtype: ScalarType.Bool, device: embeddings.device));
    }

    /// <summary>
    /// A prior's samples (N, D, 1, 1) as unit embeddings (N, D): the image encoder's embeddings, which the decoder
    /// trained on, have unit length, and a sample's length is not constrained by the prior's loss.
    /// </summary>
    public static Tensor FromPriorSamples(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 4 || samples.shape[2] != 1 || samples.shape[3] != 1)
            throw new ArgumentException($"prior samples must be (N, D, 1, 1), not ({string.Join(", ", samples.shape)}).", nameof(samples));
        return nn.functional.normalize(samples.flatten(1), p: 2, dim: 1);
    }
}
