using System;
using System.Collections.Generic;

namespace Diffusion.Runtime.Data;

/// <summary>
/// Decoded images by index, least recently used first out, holding at most <see cref="CapacityBytes"/> bytes of
/// pixels plus <see cref="EntryOverheadBytes"/> per image (the array header and the bookkeeping).
/// </summary>
internal sealed class DecodedImageCache
{
    /// <summary>What one entry costs beyond its pixels: the byte array's header, the list node and the dictionary slot.</summary>
    public const int EntryOverheadBytes = 128;

    private readonly Dictionary<int, LinkedListNode<(int Index, byte[] Pixels)>> entries = new();
    private readonly LinkedList<(int Index, byte[] Pixels)> recency = new();

    public DecodedImageCache(long capacityBytes)
    {
        if (capacityBytes < 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes), "The cache size cannot be negative.");
        CapacityBytes = capacityBytes;
    }

    /// <summary>The bound on <see cref="UsedBytes"/>.</summary>
    public long CapacityBytes { get; }

    /// <summary>Bytes held now, overhead included.</summary>
    public long UsedBytes { get; private set; }

    /// <summary>Images held now.</summary>
    public int Count => entries.Count;

    /// <summary>The pixels of <paramref name="index"/> if held (and marks them most recently used).</summary>
    public bool TryGet(int index, out byte[] pixels)
    {
        if (entries.TryGetValue(index, out var node))
        {
            recency.Remove(node);
            recency.AddFirst(node);
            pixels = node.Value.Pixels;
            return true;
        }

        pixels = [];
        return false;
    }

    /// <summary>Holds <paramref name="pixels"/> for <paramref name="index"/>, dropping the least recently used until it fits; an image larger than the whole cache is not held.</summary>
    public void Add(int index, byte[] pixels)
    {
        long cost = pixels.LongLength + EntryOverheadBytes;
        if (cost > CapacityBytes || entries.ContainsKey(index)) return;
        while (UsedBytes + cost > CapacityBytes)
        {
            var oldest = recency.Last!;
            recency.RemoveLast();
            entries.Remove(oldest.Value.Index);
            UsedBytes -= oldest.Value.Pixels.LongLength + EntryOverheadBytes;
        }

        entries[index] = recency.AddFirst((index, pixels));
        UsedBytes += cost;
    }
}
