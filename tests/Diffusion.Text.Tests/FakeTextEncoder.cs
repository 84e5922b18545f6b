using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Text.Tests;

/// <summary>
/// A text encoder whose numbers are known in closed form, counting what it encodes: token j of a text is its character
/// j (one token per character, at least one), state[k] = code * (k + 1) + j; pooled[k] = length * 1000 + k. Caches are
/// tested against it without the 91 MB model.
/// </summary>
internal sealed class FakeTextEncoder(string weights = "weights-a") : ITextEncoder
{
    public const int Width = 3;

    public List<string> EncodedTexts { get; } = [];

    public TextEncoderIdentity Identity { get; } = new("test/fake-encoder", weights);

    public int PooledDimension => Width;

    public int TokenDimension => Width;

    public int MaxTokens => 64;

    public TextEncoding Encode(IReadOnlyList<string> texts)
    {
        EncodedTexts.AddRange(texts);
        int n = texts.Count, length = texts.Count == 0 ? 0 : texts.Max(Count);
        var pooled = new float[n * Width];
        var tokens = new float[n * length * Width];
        var mask = new bool[n * length];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < Width; k++) pooled[i * Width + k] = Count(texts[i]) * 1000 + k;
            for (int j = 0; j < Count(texts[i]); j++)
            {
                mask[i * length + j] = true;
                float code = j < texts[i].Length ? texts[i][j] : 0;
                for (int k = 0; k < Width; k++) tokens[(i * length + j) * Width + k] = code * (k + 1) + j;
            }
        }
        return new TextEncoding(tensor(pooled, [n, Width]), tensor(tokens, [n, length, Width]), tensor(mask, [n, length]));
    }

    private static int Count(string text) => Math.Max(1, text.Length);
}
