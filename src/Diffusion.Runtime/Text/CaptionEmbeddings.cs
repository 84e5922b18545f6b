using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// The embeddings of a dataset's distinct captions, as <see cref="CaptionEmbeddingCache.Load"/> found or computed them;
/// <see cref="Gather"/> turns captions into the batch the encoder itself would return.
/// </summary>
public sealed class CaptionEmbeddings
{
    private readonly Dictionary<string, int> rows;
    private readonly int[] offsets;
    private readonly int[] counts;
    // Plain arrays, not tensors: a batch is copied together in managed memory and becomes three tensors at once (64
    // narrow-and-copy calls per batch cost 20 ms on two busy cores).
    private readonly float[] pooled; // (U, Dp)
    private readonly float[] tokens; // (sum of counts, Dt): each caption's token states, without padding, one after another

    internal CaptionEmbeddings(TextEncoderIdentity encoder, IReadOnlyList<string> captions, float[] pooled, int pooledDimension,
        float[] tokens, int tokenDimension, int[] counts, int encoded, int reused, IReadOnlyList<string> warnings)
    {
        Encoder = encoder;
        Captions = captions;
        rows = captions.Select((caption, row) => (caption, row)).ToDictionary(p => p.caption, p => p.row, StringComparer.Ordinal);
        this.pooled = pooled;
        this.tokens = tokens;
        this.counts = counts;
        PooledDimension = pooledDimension;
        TokenDimension = tokenDimension;
        offsets = new int[counts.Length];
        for (int i = 1; i < counts.Length; i++) offsets[i] = offsets[i - 1] + counts[i - 1];
        Encoded = encoded;
        Reused = reused;
        Warnings = warnings;
    }

    /// <summary>The encoder the embeddings come from.</summary>
    public TextEncoderIdentity Encoder { get; }

    /// <summary>The distinct captions, in the order first seen.</summary>
    public IReadOnlyList<string> Captions { get; }

    /// <summary>Captions the encoder ran on for this load (not found in the cache file).</summary>
    public int Encoded { get; }

    /// <summary>Captions taken from the cache file.</summary>
    public int Reused { get; }

    /// <summary>One line per cache file that was refused and rebuilt, or could not be written.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>D of the pooled embeddings.</summary>
    public int PooledDimension { get; }

    /// <summary>D of the token states.</summary>
    public int TokenDimension { get; }

    /// <summary>The most tokens a caption has (0 without captions).</summary>
    public int LongestTokens => counts.Length == 0 ? 0 : counts.Max();

    /// <summary>Whether <paramref name="caption"/> is one of <see cref="Captions"/>.</summary>
    public bool Contains(string caption) => rows.ContainsKey(caption);

    /// <summary>
    /// The embeddings of <paramref name="captions"/> (each one of <see cref="Captions"/>, repeats allowed), shaped as
    /// <see cref="ITextEncoder.Encode"/> shapes them: pooled (B, Dp), tokens (B, L, Dt) zero past each caption's end,
    /// mask (B, L), L the longest caption's token count; on the CPU, owned by the caller.
    /// </summary>
    /// <exception cref="ArgumentException">A caption is not in <see cref="Captions"/> (it names it).</exception>
    public TextEncoding Gather(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var picked = new int[captions.Count];
        for (int b = 0; b < captions.Count; b++)
        {
            if (captions[b] is null || !rows.TryGetValue(captions[b], out int row))
                throw new ArgumentException($"Caption {b} ('{captions[b]}') was not among the captions these embeddings were computed for.", nameof(captions));
            picked[b] = row;
        }

        int n = picked.Length, length = n == 0 ? 0 : picked.Max(row => counts[row]), dp = PooledDimension, dt = TokenDimension;
        var batchPooled = new float[n * dp];
        var batchTokens = new float[n * length * dt];
        var mask = new bool[n * length];
        for (int b = 0; b < n; b++)
        {
            int row = picked[b], count = counts[row];
            pooled.AsSpan(row * dp, dp).CopyTo(batchPooled.AsSpan(b * dp));
            tokens.AsSpan(offsets[row] * dt, count * dt).CopyTo(batchTokens.AsSpan(b * length * dt));
            mask.AsSpan(b * length, count).Fill(true);
        }

        return new TextEncoding(tensor(batchPooled, [n, dp]), tensor(batchTokens, [n, length, dt]), tensor(mask, [n, length]));
    }
}
