using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace HostTestApp;

/// <summary>
/// A user's own frozen text encoder, of closed-form outputs: one token per character (at most 12), state[k] =
/// code / 100 * (k + 1); pooled[k] = the mean of the states' column k. Enough for the host's text path, without a model.
/// </summary>
public sealed class LetterEncoder : ITextEncoder
{
    private const int Width = 3;

    /// <inheritdoc/>
    public TextEncoderIdentity Identity { get; } = new("host-test/letters", "letters-v1");

    /// <inheritdoc/>
    public int PooledDimension => Width;

    /// <inheritdoc/>
    public int TokenDimension => Width;

    /// <inheritdoc/>
    public int MaxTokens => 12;

    /// <inheritdoc/>
    public TextEncoding Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int n = texts.Count, length = n == 0 ? 0 : texts.Max(Count);
        var pooled = new float[n * Width];
        var tokens = new float[n * length * Width];
        var mask = new bool[n * length];
        for (int i = 0; i < n; i++)
        {
            string text = texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts));
            for (int j = 0; j < Count(text); j++)
            {
                mask[i * length + j] = true;
                float code = j < text.Length ? text[j] : 0;
                for (int k = 0; k < Width; k++)
                {
                    tokens[(i * length + j) * Width + k] = code / 100 * (k + 1);
                    pooled[i * Width + k] += code / 100 * (k + 1) / Count(text);
                }
            }
        }
        return new TextEncoding(tensor(pooled, [n, Width]), tensor(tokens, [n, length, Width]), tensor(mask, [n, length]));
    }

    private int Count(string text) => Math.Clamp(text.Length, 1, MaxTokens);
}
