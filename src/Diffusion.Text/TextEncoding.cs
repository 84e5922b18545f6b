using System;
using static TorchSharp.torch;

namespace Diffusion.Text;

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

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Pooled.Dispose();
        Tokens.Dispose();
        Mask.Dispose();
    }
}
