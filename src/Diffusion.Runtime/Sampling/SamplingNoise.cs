using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Sampling;

/// <summary>
/// The sampler's standard normal draws, z ~ N(0, I). Without a shard, randn of the batch's shape. With one, randn of the
/// whole request's shape, of which the shard keeps its rows: every process of a job then consumes its generator exactly
/// as one process sampling the whole request does, so the shards' draws are that process's rows.
/// </summary>
/// <remarks>Drawing the whole request's noise costs Total / Count times the normals of the shard, small beside the network's
/// passes; the rows not kept are freed at once.</remarks>
public static class SamplingNoise
{
    /// <summary>z of <paramref name="shape"/> (N, ...) from <paramref name="generator"/>, on <paramref name="device"/>.</summary>
    public static Tensor Draw(long[] shape, SampleShard? shard, Generator generator, Device device)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shard is not { } rows) return randn(shape, generator: generator, device: device);
        rows.Validate(checked((int)shape[0]));
        var whole = (long[])shape.Clone();
        whole[0] = rows.Total;
        using var all = randn(whole, generator: generator, device: device);
        return all.narrow(0, rows.Offset, shape[0]).clone();
    }
}
