using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Contrastive;

/// <summary>
/// A tiny captioned set for contrastive training: three classes of 8x8 grayscale patterns (horizontal stripes, vertical
/// stripes, a checkerboard of 2x2 squares) at a random phase with pixel noise, two captions per class, and a frozen
/// encoder of closed-form embeddings: caption A_c = e_c, caption B_c = (e_c + e_3) / sqrt(2) in R^4.
/// </summary>
internal static class PatternCaptions
{
    public const int Size = 8;

    public const int Classes = 3;

    /// <summary>Class c's captions, A_c first.</summary>
    public static readonly string[][] Captions =
    [
        ["horizontal", "stripes across"],
        ["vertical", "stripes down"],
        ["checkerboard", "squares"],
    ];

    /// <summary>
    /// Writes <paramref name="perClass"/> images per class under <paramref name="folder"/>/{class}/ and, with
    /// <paramref name="captioned"/>, a captions.tsv giving each image both of its class's captions.
    /// </summary>
    public static string Write(string folder, int perClass, int seed, bool captioned = true)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        for (int c = 0; c < Classes; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                int phase = random.Next(4);
                var noise = Enumerable.Range(0, Size * Size).Select(_ => random.Next(-40, 41)).ToArray();
                string name = $"{c}/{i}.png";
                TempFolder.WriteGray(Path.Combine(folder, c.ToString(), $"{i}.png"), Size, Size,
                    (x, y) => (byte)Math.Clamp((Ink(c, x + phase, y + phase) ? 200 : 55) + noise[y * Size + x], 0, 255));
                lines.AddRange(Captions[c].Select(caption => $"{name}\t{caption}"));
            }
        }
        if (captioned) File.WriteAllLines(Path.Combine(folder, CaptionFile.DefaultName), lines);
        return folder;
    }

    private static bool Ink(int c, int x, int y) => c switch
    {
        0 => y / 2 % 2 == 0,
        1 => x / 2 % 2 == 0,
        _ => (x / 2 + y / 2) % 2 == 0,
    };

    /// <summary>The encoder's pooled embedding of class <paramref name="c"/>'s caption <paramref name="k"/> (0: A, 1: B).</summary>
    public static float[] Embedding(int c, int k)
    {
        var e = new float[4];
        e[c] = 1;
        if (k == 1)
        {
            e[c] = (float)(1 / Math.Sqrt(2));
            e[3] = (float)(1 / Math.Sqrt(2));
        }
        return e;
    }

    /// <summary>The pattern captions' frozen encoder: a table of <see cref="Embedding"/>, one token per caption.</summary>
    public sealed class TableEncoder : ITextEncoder
    {
        public TextEncoderIdentity Identity { get; } = new("test/patterns", "table-v1");

        public int PooledDimension => 4;

        public int TokenDimension => 4;

        public int MaxTokens => 1;

        public TextEncoding Encode(IReadOnlyList<string> texts)
        {
            var pooled = texts.SelectMany(text =>
            {
                int c = Array.FindIndex(Captions, captions => captions.Contains(text));
                if (c < 0) throw new ArgumentException($"'{text}' is not a pattern caption.", nameof(texts));
                return Embedding(c, Array.IndexOf(Captions[c], text));
            }).ToArray();
            int n = texts.Count;
            return new TextEncoding(tensor(pooled, [n, 4]), tensor(pooled, [n, 1, 4]), ones(n, 1, dtype: ScalarType.Bool));
        }
    }
}
