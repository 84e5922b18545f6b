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
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(options), $"Channels must be 1 or 3, got {options.Channels}.");
        if (options.Width <= 0 || options.Height <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"Width and Height must be positive, got {options.Width}x{options.Height}.");
        if (File.Exists(root))
            throw new ImageDataException(root, $"Image folder '{root}' is a file, not a folder.");
        if (!Directory.Exists(root))
            throw new ImageDataException(root, $"Image folder '{root}' does not exist.");
        if (options.Classes is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"Classes must be at least 1 when given, got {options.Classes}.");

        var warnings = new List<string>();
        var entries = new List<(string File, int Label)>();
        var walk = new DirectoryWalk(root, options.MaxDepth, options.MaxEntries);
        int reported = 0;
        string[] classNames;
        bool numbered = false;
        try
        {
            if (options.Layout == ImageFolderLayout.ClassConditional)
            {
                var classFolders = walk.Subfolders(out int loose);
                Report(walk, options, warnings, ref reported);
                if (classFolders.Count == 0)
                {
                    throw new ImageDataException(root,
                        $"Image folder '{root}' was loaded as class-conditional, which expects one subfolder per class "
                        + $"(root/{{class}}/*.png), but it has no subfolders ({loose} files directly in it); "
                        + "load it as Unconditional or sort the images into class folders.");
                }

                (int[] folderLabels, classNames) = ClassFolderLabels.Assign(root, classFolders.Select(f => System.IO.Path.GetFileName(f)).ToList(), options.Classes, out numbered);
                // Tensor order: by label, then by path within a class (independent of how the walk reached the files).
                foreach (int i in Enumerable.Range(0, classFolders.Count).OrderBy(i => folderLabels[i]))
                {
                    string classFolder = classFolders[i];
                    var files = walk.Files(classFolder, IsPng, depth: 1);
                    files.Sort(StringComparer.Ordinal);
                    Report(walk, options, warnings, ref reported);
                    if (files.Count == 0)
                    {
                        string message = $"Class folder '{classFolder}' contains no .png files; every class needs at least one image.";
                        if (!options.SkipBadFiles) throw new ImageDataException(classFolder, message);
                        warnings.Add(message);
                    }

                    entries.AddRange(files.Select(f => (f, folderLabels[i])));
                }
            }
            else
            {
                classNames = [];
                entries.AddRange(walk.Files(root, IsPng, depth: 0).Order(StringComparer.Ordinal).Select(f => (f, -1)));
                Report(walk, options, warnings, ref reported);
            }
        }
        catch (InputFileException e)
        {
            throw new ImageDataException(e.Path, e.Message, e);
        }

        if (entries.Count == 0)
            throw new ImageDataException(root, $"Image folder '{root}' contains no .png files.");

        int c = options.Channels, h = options.Height, w = options.Width;
        int pixels = c * h * w;
        var buffer = new float[(long)entries.Count * pixels];
        var labels = new List<long>(entries.Count);
        var loaded = new List<string>(entries.Count);
        foreach (var (file, label) in entries)
        {
            var destination = buffer.AsSpan(loaded.Count * pixels, pixels);
            string? problem = TryDecode(file, options, destination, out var inner);
            if (problem is not null)
            {
                if (!options.SkipBadFiles) throw new ImageDataException(file, problem, inner);
                warnings.Add($"skipped {problem}");
                continue;
            }

            labels.Add(label);
            loaded.Add(file);
        }

        if (loaded.Count == 0)
            throw new ImageDataException(root, $"Image folder '{root}': every .png file was rejected ({warnings.Count} warnings).");

        var images = tensor(buffer.AsSpan(0, loaded.Count * pixels).ToArray(), [loaded.Count, c, h, w]);
        Tensor? labelTensor = options.Layout == ImageFolderLayout.ClassConditional ? tensor(labels.ToArray(), int64) : null;
        return new ImageFolderData(images, labelTensor, classNames, loaded, warnings) { NumberedClasses = numbered };
    }

    private static bool IsPng(string path) => path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    /// <summary>Turns what the walk left out since the last call into an error, or warnings with <see cref="ImageFolderOptions.SkipBadFiles"/>.</summary>
    private static void Report(DirectoryWalk walk, ImageFolderOptions options, List<string> warnings, ref int reported)
    {
        while (walk.Problems.Count > reported)
        {
            var problem = walk.Problems[reported++];
            if (!options.SkipBadFiles) throw new ImageDataException(problem.Path, problem.Message);
            warnings.Add($"skipped {problem.Message}");
        }
    }

    /// <summary>
    /// Checks and decodes one file into <paramref name="destination"/> (C*H*W floats in [-1, 1]); returns null on
    /// success or a sentence naming the file and the expectation it failed.
    /// </summary>
    private static string? TryDecode(string file, ImageFolderOptions options, Span<float> destination, out Exception? inner)
    {
        inner = null;
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(file, options.MaxFileBytes);
        }
        catch (InputFileException e)
        {
            inner = e;
            return e.Message;
        }

        var layout = PngStructure.ReadLayout(bytes, out string? structural);
        if (layout is null) return $"'{file}' {structural}.";
        var hdr = layout.Header;

        if ((long)hdr.Width * hdr.Height > options.MaxPixels)
            return $"'{file}' declares {hdr.Width}x{hdr.Height} = {(long)hdr.Width * hdr.Height} pixels; at most {options.MaxPixels} are accepted.";
        if (hdr.Width != options.Width || hdr.Height != options.Height)
            return $"'{file}' is {hdr.Width}x{hdr.Height} pixels; expected {options.Width}x{options.Height}.";
        if (hdr.Channels != options.Channels && !options.ConvertColor)
            return $"'{file}' has {hdr.Channels} channel(s) (PNG color type {(int)hdr.ColorType}); expected {options.Channels} "
                + $"({(options.Channels == 1 ? "grayscale" : "RGB")}): save it as a {(options.Channels == 1 ? "grayscale" : "RGB")} PNG, or skip it.";
        if (PngStructure.CheckImageData(bytes, layout, out inner) is { } data) return $"'{file}' {data}.";

        try
        {
            if (options.Channels == 1)
            {
                using var image = Image.Load<L8>(PngFile.Untrusted, bytes);
                CopyPixels(image, destination);
            }
            else
            {
                using var image = Image.Load<Rgb24>(PngFile.Untrusted, bytes);
                CopyPixels(image, destination);
            }
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidMemoryOperationException
                                      or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            inner = e;
            return $"'{file}' could not be decoded as a PNG ({e.GetType().Name}: {e.Message}); expected a valid "
                + $"{options.Width}x{options.Height} image.";
        }

        return null;
    }

    private const float Scale = 1f / 127.5f;

    /// <summary>Grayscale bytes (H*W) to [-1, 1].</summary>
    private static void CopyPixels(Image<L8> image, Span<float> destination)
    {
        var bytes = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(bytes);
        for (int i = 0; i < bytes.Length; i++) destination[i] = bytes[i] * Scale - 1f;
    }

    /// <summary>Interleaved RGB bytes (H*W*3) to planar (3, H, W) in [-1, 1].</summary>
    private static void CopyPixels(Image<Rgb24> image, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        var bytes = new byte[plane * 3];
        image.CopyPixelDataTo(bytes);
        for (int i = 0; i < plane; i++)
        {
            destination[i] = bytes[3 * i] * Scale - 1f;
            destination[plane + i] = bytes[3 * i + 1] * Scale - 1f;
            destination[2 * plane + i] = bytes[3 * i + 2] * Scale - 1f;
        }
    }
}
