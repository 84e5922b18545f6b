using System;
using System.Linq;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// A training set of images seen through a frozen autoencoder: each batch is the posteriors' moments (B, 2c, h, w),
/// mean then log-variance along the channels (<see cref="DiagonalGaussian.FromMoments"/>), with the images' labels.
/// Where they fit in <see cref="CacheLimitBytes"/> every image is encoded once, at the first batch (after a resumed
/// run has loaded its checkpoint's autoencoder), and the moments kept on the CPU; else each batch is encoded when
/// drawn. The latent is drawn from the moments per step by the model (<see cref="LatentTrainable"/>).
/// </summary>
public sealed class EncodedTrainingSet : ITrainingSet, IDisposable
{
    private readonly IAutoencoder autoencoder;
    private readonly ITrainingSet images;
    private readonly int batchSize;
    private Tensor? moments;
    private Tensor? labels;

    /// <summary>The images <paramref name="images"/> through <paramref name="autoencoder"/>'s encoder, <paramref name="batchSize"/> at a time.</summary>
    public EncodedTrainingSet(IAutoencoder autoencoder, ITrainingSet images, int batchSize = 256, long cacheLimitBytes = DefaultCacheLimitBytes)
    {
        this.autoencoder = autoencoder ?? throw new ArgumentNullException(nameof(autoencoder));
        this.images = images ?? throw new ArgumentNullException(nameof(images));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.batchSize = batchSize;
        CacheLimitBytes = cacheLimitBytes;
    }

    /// <summary>The default bound on the cached moments: 2 GiB (MNIST's 60,000 posteriors of 7x7x4 take 94 MB).</summary>
    public const long DefaultCacheLimitBytes = 2L << 30;

    /// <summary>The most bytes the cached moments may take; larger sets are encoded batch by batch.</summary>
    public long CacheLimitBytes { get; }

    /// <summary>Whether every image was encoded once and kept (false before the first batch, or when they do not fit).</summary>
    public bool Cached => moments is not null;

    /// <summary>How many images went through the encoder so far.</summary>
    public long Encoded { get; private set; }

    /// <inheritdoc/>
    public long Count => images.Count;

    /// <summary>Checks the images, which the model's description declares.</summary>
    public void Validate(int channels, int imageSize, int? classes) => images.Validate(channels, imageSize, classes);

    /// <summary>The moments (B, 2c, h, w) and labels of <paramref name="indices"/>, on the CPU, in the caller's scope.</summary>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (moments is null && MomentBytes() <= CacheLimitBytes) EncodeAll();
        if (moments is null) return Encode(indices);
        using var index = tensor(indices, dtype: ScalarType.Int64);
        return (moments.index_select(0, index), labels?.index_select(0, index));
    }

    /// <summary>The device of <paramref name="autoencoder"/>'s weights: where it encodes.</summary>
    public static Device DeviceOf(IAutoencoder autoencoder)
    {
        foreach (var parameter in autoencoder.Network.parameters()) return parameter.device;
        return CPU;
    }

    /// <summary>Disposes the cached moments and labels.</summary>
    public void Dispose()
    {
        moments?.Dispose();
        labels?.Dispose();
        moments = labels = null;
    }

    private long MomentBytes() =>
        images.Count * 2L * autoencoder.LatentChannels * autoencoder.LatentSize * autoencoder.LatentSize * sizeof(float);

    private void EncodeAll()
    {
        var all = Enumerable.Range(0, checked((int)images.Count)).Select(i => (long)i).ToArray();
        var momentParts = new System.Collections.Generic.List<Tensor>();
        var labelParts = new System.Collections.Generic.List<Tensor>();
        using var scope = NewDisposeScope();
        for (int start = 0; start < all.Length; start += batchSize)
        {
            var (batch, batchLabels) = Encode(all[start..Math.Min(all.Length, start + batchSize)]);
            momentParts.Add(batch);
            if (batchLabels is not null) labelParts.Add(batchLabels);
        }
        moments = cat(momentParts, 0).DetachFromDisposeScope();
        labels = labelParts.Count > 0 ? cat(labelParts, 0).DetachFromDisposeScope() : null;
    }

    private (Tensor Moments, Tensor? Labels) Encode(long[] indices)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (x, batchLabels) = images.Batch(indices);
        var posterior = autoencoder.Encode(x.to(DeviceOf(autoencoder)));
        var batch = cat(new[] { posterior.Mean, posterior.LogVariance }, 1).cpu();    // (B, 2c, h, w)
        Encoded += indices.Length;
        return (batch.MoveToOuterDisposeScope(), batchLabels?.MoveToOuterDisposeScope());
    }
}
