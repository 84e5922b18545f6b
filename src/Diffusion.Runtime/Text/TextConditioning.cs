using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// What a text-conditioned network sees of a batch of captions or prompts: a frozen encoder's pooled embeddings, its
/// token states with their padding mask, and which rows are dropped to the learned null embedding (classifier-free
/// guidance, Ho and Salimans 2022). The tensors belong to the caller.
/// </summary>
/// <param name="Pooled">(N, D_pooled) one embedding per text.</param>
/// <param name="Tokens">(N, L, D_token) the token states, zero past each text's end.</param>
/// <param name="Mask">(N, L) bool: true at a text's tokens, false at padding.</param>
/// <param name="Dropped">(N) bool: true where the network uses its null embedding instead of the text; null for none.</param>
public sealed record TextConditioning(Tensor Pooled, Tensor Tokens, Tensor Mask, Tensor? Dropped = null)
{
    /// <summary>Number of texts N.</summary>
    public long Count => Pooled.shape[0];

    /// <summary>The same texts on <paramref name="device"/> (new tensors in the caller's dispose scope).</summary>
    public TextConditioning To(Device device) => new(Pooled.to(device), Tokens.to(device), Mask.to(device), Dropped?.to(device));

    /// <summary>
    /// The batch of guidance's two passes (Ho and Salimans 2022, Eq. 6): these texts, then the same rows dropped to the
    /// null embedding, 2N rows in all.
    /// </summary>
    public TextConditioning WithNullCopy()
    {
        var keep = Dropped ?? zeros(Count, dtype: ScalarType.Bool, device: Pooled.device);
        var drop = ones(Count, dtype: ScalarType.Bool, device: Pooled.device);
        return new(cat(new[] { Pooled, Pooled }, 0), cat(new[] { Tokens, Tokens }, 0), cat(new[] { Mask, Mask }, 0),
            cat(new[] { keep, drop }, 0));
    }

    /// <summary>Checks the shapes against each other and a network's widths; throws naming the mismatch.</summary>
    public void Validate(int pooledDim, int tokenDim, int maxTokens)
    {
        long n = Count;
        if (Pooled.dim() != 2 || Pooled.shape[1] != pooledDim)
            throw new ArgumentException($"pooled text embeddings must be (N, {pooledDim}), not ({string.Join(", ", Pooled.shape)}).", nameof(Pooled));
        if (Tokens.dim() != 3 || Tokens.shape[0] != n || Tokens.shape[2] != tokenDim || Tokens.shape[1] > maxTokens)
            throw new ArgumentException($"text token states must be ({n}, L <= {maxTokens}, {tokenDim}), not ({string.Join(", ", Tokens.shape)}).", nameof(Tokens));
        if (Mask.dim() != 2 || Mask.shape[0] != n || Mask.shape[1] != Tokens.shape[1])
            throw new ArgumentException($"the token mask must be ({n}, {Tokens.shape[1]}), not ({string.Join(", ", Mask.shape)}).", nameof(Mask));
        if (Dropped is not null && (Dropped.dim() != 1 || Dropped.shape[0] != n))
            throw new ArgumentException($"the dropped rows must be ({n}), not ({string.Join(", ", Dropped.shape)}).", nameof(Dropped));
    }
}
