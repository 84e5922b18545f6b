using System;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// Full-size training images area-averaged to a cascade's base size (<see cref="Resolution.AreaDownsample"/>): the base
/// trains on exactly the low-resolution images its super-resolution stage makes from the same data (Ho et al. 2021,
/// Sec. 3), not on a resampling of the image files' own.
/// </summary>
public sealed class AreaDownsampledTrainingSet : ITrainingSet
{
    private readonly ITrainingSet images;
    private readonly int size;
    private readonly int fullSize;

    /// <param name="images">The full-size images, <paramref name="fullSize"/> x <paramref name="fullSize"/>.</param>
    /// <param name="fullSize">Their side; a multiple of <paramref name="size"/>.</param>
    /// <param name="size">The side the model trains at.</param>
    public AreaDownsampledTrainingSet(ITrainingSet images, int fullSize, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (size < 1 || fullSize <= size || fullSize % size != 0)
            throw new ArgumentException($"{fullSize} x {fullSize} images do not area-average to {size} x {size}: the side must be a larger multiple of it.");
        this.images = images;
        this.fullSize = fullSize;
        this.size = size;
    }

    /// <inheritdoc/>
    public long Count => images.Count;

    /// <summary>Checks the full-size images: <paramref name="imageSize"/> times the factor.</summary>
    public void Validate(int channels, int imageSize, int? classes)
    {
        if (imageSize != size) throw new ArgumentException($"The set gives {size} x {size} images, not {imageSize} x {imageSize}.");
        images.Validate(channels, fullSize, classes);
    }

    /// <summary>The full-size images at <paramref name="indices"/>, each f x f block averaged, and their labels.</summary>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        using var scope = NewDisposeScope();
        var (full, labels) = images.Batch(indices);
        var low = Resolution.AreaDownsample(full, size);    // (B, C, size, size)
        return (low.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }
}
