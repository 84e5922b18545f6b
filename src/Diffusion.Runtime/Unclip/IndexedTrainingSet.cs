using System;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Unclip;

/// <summary>
/// A training set's images with, in the labels' place, each image's index in the set (int64): what lets a per-image
/// conditioning (an unCLIP decoder's image embedding, <see cref="DecoderTrainable"/>) follow the trainer's batches.
/// The set's classes, if any, are dropped.
/// </summary>
public sealed class IndexedTrainingSet(ITrainingSet images) : ITrainingSet
{
    private readonly ITrainingSet images = images ?? throw new ArgumentNullException(nameof(images));

    /// <inheritdoc/>
    public long Count => images.Count;

    /// <summary>Checks the images' size and channels; the indices are no classes, so the model must take none.</summary>
    public void Validate(int channels, int imageSize, int? classes)
    {
        if (classes is not null)
            throw new ArgumentException($"An image-embedding-conditioned model has no classes (the model has {classes}).");
        images.Validate(channels, imageSize, null);
    }

    /// <summary>The images at <paramref name="indices"/> and the indices themselves (B) int64.</summary>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        var (batch, labels) = images.Batch(indices);
        labels?.Dispose();
        return (batch, tensor(indices, ScalarType.Int64));
    }
}
