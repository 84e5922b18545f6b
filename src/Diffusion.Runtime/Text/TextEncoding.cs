using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A batch of encoded texts, float32 on the CPU. Owns its tensors: dispose it, or move the tensors elsewhere.
/// </summary>
/// <param name="Pooled">(N, D) one embedding per text (for MiniLM: the mean of its token states, L2-normalised).</param>
/// <param name="Tokens">(N, L, D) the encoder's last hidden states; rows past a text's length are zero.</param>
/// <param name="Mask">(N, L) bool: true at a text's tokens, false at padding (the keys cross-attention must ignore).</param>
public sealed record TextEncoding(Tensor Pooled, Tensor Tokens, Tensor Mask) : IDisposable
{
    /// <summary>Number of texts N.</summary>
    public int Count => (int)Pooled.shape[0];

    /// <summary>
    /// What a network of at most <paramref name="maxTokens"/> tokens sees of these texts (new tensors in the caller's
    /// dispose scope): the pooled embeddings, and the first <paramref name="maxTokens"/> token states of a longer text,
    /// as CLIP-conditioned models cut theirs at 77 (the pooled vector still summarises the whole text).
    /// </summary>
    public TextConditioning ToConditioning(int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        long length = Math.Min(Tokens.shape[1], maxTokens);
        return new TextConditioning(Pooled.alias(), Tokens.narrow(1, 0, length), Mask.narrow(1, 0, length));
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Pooled.Dispose();
        Tokens.Dispose();
        Mask.Dispose();
    }
}
