using System;

namespace Diffusion.Runtime.Sampling;

/// <summary>
/// Which rows of a larger request a sampling call produces: rows [<see cref="Offset"/>, Offset + Count) of
/// <see cref="Total"/>. Each process of a job samples one shard; every noise draw is the whole request's, of which the
/// shard keeps its rows (<see cref="SamplingNoise"/>), so the shards put together are the single-process samples.
/// </summary>
/// <param name="Offset">The first row, 0..Total-1.</param>
/// <param name="Total">The whole request's number of samples.</param>
public readonly record struct SampleShard(int Offset, int Total)
{
    /// <summary>Shard <paramref name="rank"/> of <paramref name="ranks"/> equal-as-possible shards of <paramref name="total"/> rows.</summary>
    public static (SampleShard Shard, int Count) Of(int total, int rank, int ranks)
    {
        if (total < 1) throw new ArgumentOutOfRangeException(nameof(total), total, "Sample at least one image.");
        if (ranks < 1 || rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Not a rank of {ranks}.");
        int start = (int)((long)total * rank / ranks), end = (int)((long)total * (rank + 1) / ranks);
        return (new SampleShard(start, total), end - start);
    }

    /// <summary>Throws unless rows [Offset, Offset + <paramref name="count"/>) lie within Total.</summary>
    public void Validate(int count)
    {
        if (Offset < 0 || Total < 1 || count < 0 || (long)Offset + count > Total)
            throw new ArgumentOutOfRangeException(nameof(Offset), $"shard rows [{Offset}, {(long)Offset + count}) do not lie within the request's {Total}.");
    }
}
