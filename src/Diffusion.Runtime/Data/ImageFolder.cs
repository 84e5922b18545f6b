using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Data;

/// <summary>How an image folder's files map to labels.</summary>
public enum ImageFolderLayout
{
    /// <summary>Every <c>.png</c> under the root, at any depth; subfolders carry no meaning and no labels are returned.</summary>
    Unconditional,

    /// <summary>
    /// One subfolder of the root per class (<c>root/{class}/*.png</c>, any depth below it). A numbered folder's name
    /// is its label (<c>3/</c> is label 3); named folders get labels in sorted order, as torchvision's ImageFolder
    /// does; see <see cref="ClassFolderLabels"/> for the whole rule and what it refuses.
    /// </summary>
    ClassConditional,
}

/// <summary>What <see cref="ImageFolder.Load"/> expects of every image and what it does with files that differ.</summary>
/// <param name="Width">Required width in pixels.</param>
/// <param name="Height">Required height in pixels.</param>
/// <param name="Channels">Required channel count: 1 (grayscale) or 3 (RGB).</param>
/// <param name="Layout">Whether subfolders are classes.</param>
public sealed record ImageFolderOptions(int Width, int Height, int Channels, ImageFolderLayout Layout = ImageFolderLayout.Unconditional)
{
    /// <summary>Default <see cref="MaxDepth"/>: folders nested deeper than this below the root are not walked.</summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>Default <see cref="MaxEntries"/>: ten million files and folders.</summary>
    public const long DefaultMaxEntries = 10_000_000;

    /// <summary>Default <see cref="MaxPixels"/>: 4096 x 4096.</summary>
    public const long DefaultMaxPixels = 4096L * 4096L;

    /// <summary>Default <see cref="MaxFileBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxFileBytes = 64L << 20;

    /// <summary>
    /// Convert images whose channel count differs from <see cref="Channels"/> (RGB or palette to grayscale by
    /// luminance, grayscale to RGB by replication, alpha dropped) instead of rejecting them. Off by default.
    /// </summary>
    public bool ConvertColor { get; init; }

    /// <summary>
    /// What to do with an image whose size differs from <see cref="Width"/> x <see cref="Height"/>: refuse it
    /// (<see cref="ImageFit.Exact"/>, the default) or scale and centre-crop it (<see cref="ImageFit.CenterCrop"/>).
    /// </summary>
    public ImageFit Fit { get; init; } = ImageFit.Exact;

    /// <summary>Skip files that fail a check, recording a warning, instead of throwing. Off by default.</summary>
    public bool SkipBadFiles { get; init; }

    /// <summary>Refuse images whose header declares more pixels than this, before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Refuse files larger than this many bytes (by reported size, and on the bytes actually read).</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>
    /// The number of classes the caller's model has, for class-conditional folders: numbered folders must lie in
    /// 0..Classes-1 and there may be at most this many named ones. Null when the caller does not know; numbered folders
    /// are then labelled by their numbers all the same.
    /// </summary>
    public int? Classes { get; init; }

    /// <summary>Folders nested deeper than this below the root are left out (an error, or a warning with <see cref="SkipBadFiles"/>).</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>A folder tree with more files and folders than this, counting every entry, is refused outright.</summary>
    public long MaxEntries { get; init; } = DefaultMaxEntries;
}

/// <summary>
/// Images loaded from a folder. Owns <see cref="Images"/> and <see cref="Labels"/>; dispose it (or move the tensors
/// elsewhere) when done.
/// </summary>
/// <param name="Images">(N, C, H, W) float32 in [-1, 1]: pixel value v in 0..255 maps to v / 127.5 - 1.</param>
/// <param name="Labels">(N) int64 class labels, indices into <paramref name="ClassNames"/>; null for unconditional folders.</param>
/// <param name="ClassNames">
/// The label-to-name mapping: <c>ClassNames[label]</c> is the class folder of that label. For numbered folders (see
/// <see cref="NumberedClasses"/>) it has one entry per label from 0 up to the declared class count (or the largest
/// number), a label without a folder named by its number; for named folders, the folder names in sorted order.
/// Empty for unconditional folders.
/// </param>
/// <param name="Files">Path of each loaded image, in tensor order.</param>
/// <param name="Warnings">One line per skipped file or folder (only with <see cref="ImageFolderOptions.SkipBadFiles"/>).</param>
public sealed record ImageFolderData(
    Tensor Images,
    Tensor? Labels,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Warnings) : IDisposable
{
    /// <summary>Number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>
    /// True when the class folders are numbered, so each label is its folder's number and <see cref="ClassNames"/>
    /// adds nothing a caller needs to keep; false for named folders (and unconditional ones).
    /// </summary>
    public bool NumberedClasses { get; init; }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>
/// Loads a folder of PNG images into one tensor, treating every file as untrusted: the folder tree is walked with
/// <see cref="DirectoryWalk"/> (no loops, no folder or image taken twice, bounded depth and size), every file is
/// opened with <see cref="RegularFile"/> (regular files only, size limit on the bytes read), its structure and image
/// data are checked strictly by <see cref="PngStructure"/> before the decoder runs, and decoding uses a PNG-only,
/// allocation-capped ImageSharp configuration.
/// </summary>
public static class ImageFolder
{
    /// <summary>Loads every <c>.png</c> under <paramref name="root"/> as <paramref name="options"/> describes.</summary>
    /// <exception cref="ImageDataException">
    /// A file fails a check (unless <see cref="ImageFolderOptions.SkipBadFiles"/>), the folder holds no PNG, a
    /// class-conditional folder has no class subfolders, or a class folder is empty.
    /// </exception>
    public static ImageFolderData Load(string root, ImageFolderOptions options)
    {
        var index = ImageFolderIndex.Build(root, options);
        var warnings = new List<string>(index.Warnings);
        int pixels = options.Channels * options.Height * options.Width;
        var buffer = new float[(long)index.Count * pixels];
        var bytes = new byte[pixels];
        var labels = new List<long>(index.Count);
        var loaded = new List<string>(index.Count);
        for (int i = 0; i < index.Count; i++)
        {
            string file = index.Files[i];
            string? problem = ImageDecoder.TryDecode(file, options, bytes, out var inner);
            if (problem is not null)
            {
                if (!options.SkipBadFiles) throw new ImageDataException(file, problem, inner);
                warnings.Add($"skipped {problem}");
                continue;
            }

            ImageDecoder.ToUnitRange(bytes, buffer.AsSpan(loaded.Count * pixels, pixels));
            labels.Add(index.Labels[i]);
            loaded.Add(file);
        }

        if (loaded.Count == 0)
            throw new ImageDataException(root, $"Image folder '{root}': every .png file was rejected ({warnings.Count} warnings).");

        var images = tensor(buffer.AsSpan(0, loaded.Count * pixels).ToArray(), [loaded.Count, options.Channels, options.Height, options.Width]);
        Tensor? labelTensor = options.Layout == ImageFolderLayout.ClassConditional ? tensor(labels.ToArray(), int64) : null;
        return new ImageFolderData(images, labelTensor, index.ClassNames, loaded, warnings) { NumberedClasses = index.NumberedClasses };
    }
}
