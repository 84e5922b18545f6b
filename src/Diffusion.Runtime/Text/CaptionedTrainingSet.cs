using System;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Training;
using Diffusion.Runtime.Unclip;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A captioned image folder as the <see cref="Trainer"/>'s data: the images, and in the labels' place each image's
/// index in the folder (int64), from which <see cref="TextTrainable"/> draws the image's caption for the step. A text
/// model has no classes, so the folder's class subfolders (if any) are only where its images live.
/// </summary>
public sealed class CaptionedTrainingSet(CaptionedImageFolder folder) : ITrainingSet
{
    /// <summary>The images and their captions.</summary>
    public CaptionedImageFolder Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    private readonly IndexedTrainingSet indexed = new(folder.Images);    // after Folder, whose initializer refuses null

    /// <inheritdoc/>
    public long Count => Folder.Count;

    /// <summary>Checks the images' size and channels (the folder opened without labels); a text model takes no classes.</summary>
    public void Validate(int channels, int imageSize, int? classes)
    {
        if (classes is not null)
            throw new ArgumentException($"A captioned folder trains a text-conditioned model, which has no classes (the model has {classes}).");
        Folder.Images.Validate(channels, imageSize, null);
    }

    /// <summary>The images at <paramref name="indices"/> and, in the labels' place, the indices themselves (B) int64.</summary>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices) => indexed.Batch(indices);
}
