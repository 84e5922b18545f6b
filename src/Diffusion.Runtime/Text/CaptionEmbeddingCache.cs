using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.IO;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A dataset's caption embeddings, computed once by a frozen <see cref="ITextEncoder"/> and kept in one file beside the
/// data, so training never runs the encoder again. Keyed by the encoder's identity and each caption's SHA-256: a new
/// or changed caption is encoded alone, captions no longer used are dropped, another encoder recomputes everything.
/// </summary>
/// <remarks>
/// <para>
/// The file is safetensors (PyTorch's <c>safetensors</c> reads it), read by the runtime's strict
/// <see cref="SafetensorsFile"/> and written atomically (<see cref="AtomicFile"/>): <c>encoder</c> (U8, the UTF-8 of
/// <see cref="FormatTag"/>, a newline and the encoder identity), <c>caption_sha256</c> (U8, (U, 32)), <c>pooled</c>
/// (F32, (U, Dp)), <c>token_counts</c> (I64, (U)), <c>tokens</c> (F32, (sum of counts, Dt): each caption's token states
/// without padding, one caption after another) and <c>checksum</c> (U8, (32): the SHA-256 of the other five's bytes in
/// that order, so a flipped bit is caught rather than trained on).
/// </para>
/// <para>
/// A file that is not such a cache (damaged, truncated, another program's, another format version) is never fatal and
/// never half-used: it is rebuilt from the captions, with a warning naming it in <see cref="CaptionEmbeddings.Warnings"/>.
/// A file that cannot be written leaves the embeddings in memory, with a warning.
/// </para>
/// </remarks>
public static class CaptionEmbeddingCache
{
    /// <summary>The first line of the <c>encoder</c> entry; a new layout gets a new version.</summary>
    public const string FormatTag = "diffusion-dsl caption embeddings v1";

    /// <summary>Captions the encoder runs on at once: bounds its memory, and batches of this size run near its best speed.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>The largest cache file read (4 GiB); a larger one is rebuilt.</summary>
    public const long MaxFileBytes = 4L << 30;

    private const int HashBytes = 32;

    /// <summary>
    /// The cache file of <paramref name="encoder"/> beside <paramref name="dataFolder"/>'s captions:
    /// <c>{dataFolder}/caption-embeddings.{model}.safetensors</c>, model the last part of its id (so two encoders keep
    /// two files).
    /// </summary>
    public static string PathFor(string dataFolder, TextEncoderIdentity encoder)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(encoder);
        string model = encoder.ModelId[(encoder.ModelId.LastIndexOf('/') + 1)..];
        string safe = new(model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray());
        return Path.Combine(dataFolder, $"caption-embeddings.{safe}.safetensors");
    }

    /// <summary>
    /// The embeddings of <paramref name="captions"/>: taken from <paramref name="cacheFile"/> where it holds them for
    /// this encoder, encoded (in batches of <paramref name="batchSize"/>) where not, and the file rewritten when what it
    /// holds changed.
    /// </summary>
    /// <exception cref="ArgumentException">A caption is null.</exception>
    public static CaptionEmbeddings Load(string cacheFile, IEnumerable<string> captions, ITextEncoder encoder, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(cacheFile);
        ArgumentNullException.ThrowIfNull(captions);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string caption in captions)
        {
            if (caption is null) throw new ArgumentException("A caption is null.", nameof(captions));
            if (seen.Add(caption)) distinct.Add(caption);
        }

        var warnings = new List<string>();
        var stored = File.Exists(cacheFile) || Directory.Exists(cacheFile) ? TryRead(cacheFile, encoder, warnings) : null;
        var entries = new Entry[distinct.Count];
        var hashes = distinct.Select(Hash).ToArray();
        var missing = new List<int>();
        for (int i = 0; i < distinct.Count; i++)
        {
            if (stored is not null && stored.TryGetValue(hashes[i], out var entry)) entries[i] = entry;
            else missing.Add(i);
        }

        for (int start = 0; start < missing.Count; start += batchSize)
        {
            var batch = missing.Skip(start).Take(batchSize).ToList();
            using var encoding = encoder.Encode(batch.Select(i => distinct[i]).ToList());
            for (int b = 0; b < batch.Count; b++) entries[batch[b]] = Entry.From(encoding, b);
        }

        bool changed = stored is null || missing.Count > 0 || stored.Count != distinct.Count;
        if (changed && distinct.Count > 0)
        {
            try
            {
                AtomicFile.Write(cacheFile, Serialize(encoder.Identity, hashes, entries));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"Caption embedding cache '{cacheFile}' could not be written ({e.Message}); the embeddings are kept in memory only.");
            }
        }

        return new CaptionEmbeddings(encoder.Identity, distinct,
            entries.SelectMany(e => e.Pooled).ToArray(), encoder.PooledDimension, entries.SelectMany(e => e.Tokens).ToArray(), encoder.TokenDimension,
            entries.Select(e => e.Count).ToArray(), missing.Count, distinct.Count - missing.Count, warnings);
    }

    /// <summary>The SHA-256 of a caption's UTF-8 bytes, as lowercase hexadecimal: its key in the file.</summary>
    public static string Hash(string caption) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caption)));

    /// <summary>One caption's embeddings: its pooled vector and its token states without padding.</summary>
    private sealed record Entry(float[] Pooled, float[] Tokens, int Count)
    {
        public static Entry From(TextEncoding encoding, int row)
        {
            using var scope = NewDisposeScope();
            int count = (int)encoding.Mask[row].sum().item<long>();
            return new Entry(encoding.Pooled[row].data<float>().ToArray(), encoding.Tokens[row].narrow(0, 0, count).contiguous().data<float>().ToArray(), count);
        }
    }

    /// <summary>
    /// The entries of <paramref name="path"/> by caption hash, or null (with a warning) when it is not a cache of this
    /// format, intact, for <paramref name="encoder"/>.
    /// </summary>
    private static Dictionary<string, Entry>? TryRead(string path, ITextEncoder encoder, List<string> warnings)
    {
        Dictionary<string, Tensor> tensors;
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: > MaxFileBytes } large)
                return Refuse(path, $"it is {large.Length} bytes, more than the {MaxFileBytes} read", warnings);
            tensors = SafetensorsFile.Read(path);
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException)
        {
            return Refuse(path, e.Message, warnings);
        }

        try
        {
            return Parse(path, tensors, encoder, warnings);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static Dictionary<string, Entry>? Parse(string path, Dictionary<string, Tensor> t, ITextEncoder encoder, List<string> warnings)
    {
        string[] names = ["encoder", "caption_sha256", "pooled", "token_counts", "tokens", "checksum"];
        if (!t.Keys.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal)))
            return Refuse(path, $"it holds [{string.Join(", ", t.Keys.Order(StringComparer.Ordinal))}], not a caption embedding cache's [{string.Join(", ", names)}]", warnings);
        if (!(Is(t["encoder"], ScalarType.Byte, 1) && Is(t["caption_sha256"], ScalarType.Byte, 2) && Is(t["pooled"], ScalarType.Float32, 2)
              && Is(t["token_counts"], ScalarType.Int64, 1) && Is(t["tokens"], ScalarType.Float32, 2) && Is(t["checksum"], ScalarType.Byte, 1)))
            return Refuse(path, "its entries have other dtypes or ranks than a caption embedding cache's", warnings);

        byte[] header = t["encoder"].data<byte>().ToArray();
        string[] lines = Encoding.UTF8.GetString(header).Split('\n');
        if (lines[0] != FormatTag)
            return Refuse(path, $"its format is '{lines[0]}', not '{FormatTag}'", warnings);
        if (lines.Length != 2 || lines[1] != encoder.Identity.ToString())
        {
            warnings.Add($"Caption embedding cache '{path}' was made by another encoder ({string.Join(" ", lines.Skip(1))}); "
                + $"every caption is encoded again by {encoder.Identity}.");
            return null;
        }

        byte[] hashes = t["caption_sha256"].data<byte>().ToArray();
        float[] pooled = t["pooled"].data<float>().ToArray();
        long[] counts = t["token_counts"].data<long>().ToArray();
        float[] tokens = t["tokens"].data<float>().ToArray();
        long u = counts.Length, dp = encoder.PooledDimension, dt = encoder.TokenDimension;
        if (!t["caption_sha256"].shape.SequenceEqual([u, HashBytes]) || !t["pooled"].shape.SequenceEqual([u, dp])
            || t["tokens"].shape[1] != dt || t["checksum"].shape[0] != HashBytes)
            return Refuse(path, $"its shapes do not fit {u} captions of a {dp}-wide pooled and {dt}-wide token embedding", warnings);
        if (counts.Any(c => c < 1 || c > encoder.MaxTokens) || counts.Sum() != t["tokens"].shape[0])
            return Refuse(path, $"its token counts lie outside 1..{encoder.MaxTokens} or do not add up to its {t["tokens"].shape[0]} token rows", warnings);
        if (!Checksum(header, hashes, pooled, counts, tokens).AsSpan().SequenceEqual(t["checksum"].data<byte>().ToArray()))
            return Refuse(path, "its checksum does not match its contents (the file is damaged)", warnings);

        var entries = new Dictionary<string, Entry>((int)u, StringComparer.Ordinal);
        long offset = 0;
        for (int i = 0; i < u; i++)
        {
            int count = (int)counts[i];
            entries[Convert.ToHexStringLower(hashes, i * HashBytes, HashBytes)] = new Entry(
                pooled.AsSpan((int)(i * dp), (int)dp).ToArray(), tokens.AsSpan((int)(offset * dt), (int)(count * dt)).ToArray(), count);
            offset += count;
        }

        return entries;
    }

    private static Dictionary<string, Entry>? Refuse(string path, string why, List<string> warnings)
    {
        warnings.Add($"Caption embedding cache '{path}' is not a usable cache ({why}); it is rebuilt.");
        return null;
    }

    private static bool Is(Tensor t, ScalarType dtype, int rank) => t.dtype == dtype && t.dim() == rank;

    private static byte[] Serialize(TextEncoderIdentity encoder, string[] hashes, Entry[] entries)
    {
        byte[] header = Encoding.UTF8.GetBytes($"{FormatTag}\n{encoder}");
        byte[] hashBytes = hashes.SelectMany(Convert.FromHexString).ToArray();
        float[] pooled = entries.SelectMany(e => e.Pooled).ToArray();
        long[] counts = entries.Select(e => (long)e.Count).ToArray();
        float[] tokens = entries.SelectMany(e => e.Tokens).ToArray();
        int dp = pooled.Length / entries.Length;
        int dt = counts.Sum() == 0 ? 0 : (int)(tokens.Length / counts.Sum());

        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["encoder"] = tensor(header),
            ["caption_sha256"] = tensor(hashBytes, [entries.Length, HashBytes]),
            ["pooled"] = tensor(pooled, [entries.Length, dp]),
            ["token_counts"] = tensor(counts),
            ["tokens"] = tensor(tokens, [counts.Sum(), dt]),
            ["checksum"] = tensor(Checksum(header, hashBytes, pooled, counts, tokens)),
        };
        using var stream = new MemoryStream();
        Safetensors.SaveStateDict(stream, state, leaveOpen: true);
        return stream.ToArray();
    }

    /// <summary>SHA-256 over the little-endian bytes of the five data entries, in file order.</summary>
    private static byte[] Checksum(byte[] header, byte[] hashes, float[] pooled, long[] counts, float[] tokens)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The caption embedding cache is written on little-endian machines only.");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(hashes);
        sha.AppendData(MemoryMarshal.AsBytes(pooled.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(counts.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(tokens.AsSpan()));
        return sha.GetHashAndReset();
    }
}
