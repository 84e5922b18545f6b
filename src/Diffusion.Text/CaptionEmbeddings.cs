using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Text;

/// <summary>
/// The embeddings of a dataset's distinct captions, as <see cref="CaptionEmbeddingCache.Load"/> found or computed them;
/// <see cref="Gather"/> turns captions into the batch the encoder itself would return. Owns its tensors: dispose it.
/// </summary>
public sealed class CaptionEmbeddings : IDisposable
{
    private readonly Dictionary<string, int> rows;
    private readonly long[] offsets;
    private readonly long[] counts;
    private readonly Tensor pooled; // (U, Dp)
    private readonly Tensor tokens; // (sum of counts, Dt): each caption's token states, without padding, one after another

    internal CaptionEmbeddings(TextEncoderIdentity encoder, IReadOnlyList<string> captions, Tensor pooled, Tensor tokens, long[] counts,
        int encoded, int reused, IReadOnlyList<string> warnings)
    {
        Encoder = encoder;
        Captions = captions;
        rows = captions.Select((caption, row) => (caption, row)).ToDictionary(p => p.caption, p => p.row, StringComparer.Ordinal);
        this.pooled = pooled;
        this.tokens = tokens;
        this.counts = counts;
        offsets = new long[counts.Length];
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
    public int PooledDimension => (int)pooled.shape[1];

    /// <summary>D of the token states.</summary>
    public int TokenDimension => (int)tokens.shape[1];

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
        var picked = new long[captions.Count];
        for (int b = 0; b < captions.Count; b++)
        {
            if (captions[b] is null || !rows.TryGetValue(captions[b], out int row))
                throw new ArgumentException($"Caption {b} ('{captions[b]}') was not among the captions these embeddings were computed for.", nameof(captions));
            picked[b] = row;
        }

        using var scope = NewDisposeScope();
        long length = picked.Length == 0 ? 0 : picked.Max(row => counts[row]);
        var batchTokens = zeros(picked.Length, length, TokenDimension);
        var mask = new bool[picked.Length * length];
        for (int b = 0; b < picked.Length; b++)
        {
            long row = picked[b], count = counts[row];
            batchTokens[b].narrow(0, 0, count).copy_(tokens.narrow(0, offsets[row], count));
            mask.AsSpan((int)(b * length), (int)count).Fill(true);
        }

        var batchPooled = pooled.index_select(0, tensor(picked));
        return new TextEncoding(batchPooled.MoveToOuterDisposeScope(), batchTokens.MoveToOuterDisposeScope(),
            tensor(mask, [picked.Length, length]).MoveToOuterDisposeScope());
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        pooled.Dispose();
        tokens.Dispose();
    }
}
