using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
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
    /// One subfolder of the root per class (<c>root/{class}/*.png</c>, any depth below it). Classes are ordered by
    /// name: numerically when every name is an integer (so "10" follows "9"), ordinally otherwise; a class's label is
    /// its index in that order.
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

    /// <summary>Refuse files larger than this many bytes before reading them.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;
}

/// <summary>
/// Images loaded from a folder. Owns <see cref="Images"/> and <see cref="Labels"/>; dispose it (or move the tensors
/// elsewhere) when done.
/// </summary>
/// <param name="Images">(N, C, H, W) float32 in [-1, 1]: pixel value v in 0..255 maps to v / 127.5 - 1.</param>
/// <param name="Labels">(N) int64 class indices into <paramref name="ClassNames"/>; null for unconditional folders.</param>
/// <param name="ClassNames">Class folder names in label order; empty for unconditional folders.</param>
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

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>
/// Loads a folder of PNG images into one tensor, treating every file as untrusted: the size is checked, the chunk
/// structure walked (catching truncation) and the IHDR header read before the decoder runs, and decoding uses a
/// PNG-only, allocation-capped ImageSharp configuration.
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
        if (!Directory.Exists(root))
            throw new ImageDataException(root, $"Image folder '{root}' does not exist.");

        var warnings = new List<string>();
        var entries = new List<(string File, int Label)>();
        string[] classNames;
        if (options.Layout == ImageFolderLayout.ClassConditional)
        {
            classNames = SortClassNames(Directory.GetDirectories(root).Select(d => System.IO.Path.GetFileName(d)!));
            if (classNames.Length == 0)
            {
                int loose = Directory.GetFiles(root, "*.png").Length;
                throw new ImageDataException(root,
                    $"Image folder '{root}' was loaded as class-conditional, which expects one subfolder per class "
                    + $"(root/{{class}}/*.png), but it has no subfolders ({loose} .png files directly in it); "
                    + "load it as Unconditional or sort the images into class folders.");
            }

            for (int label = 0; label < classNames.Length; label++)
            {
                string classFolder = System.IO.Path.Combine(root, classNames[label]);
                var files = PngFilesUnder(classFolder);
                if (files.Length == 0)
                {
                    string message = $"Class folder '{classFolder}' contains no .png files; every class needs at least one image.";
                    if (!options.SkipBadFiles) throw new ImageDataException(classFolder, message);
                    warnings.Add(message);
                }

                entries.AddRange(files.Select(f => (f, label)));
            }
        }
        else
        {
            classNames = [];
            entries.AddRange(PngFilesUnder(root).Select(f => (f, -1)));
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
        return new ImageFolderData(images, labelTensor, classNames, loaded, warnings);
    }

    /// <summary>Orders class folder names numerically when all are integers, ordinally otherwise.</summary>
    internal static string[] SortClassNames(IEnumerable<string> names)
    {
        var list = names.ToList();
        bool numeric = list.Count > 0 && list.All(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        return numeric
            ? list.OrderBy(n => long.Parse(n, NumberStyles.None, CultureInfo.InvariantCulture)).ThenBy(n => n, StringComparer.Ordinal).ToArray()
            : list.OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    private static string[] PngFilesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// Checks and decodes one file into <paramref name="destination"/> (C*H*W floats in [-1, 1]); returns null on
    /// success or a sentence naming the file and the expectation it failed.
    /// </summary>
    private static string? TryDecode(string file, ImageFolderOptions options, Span<float> destination, out Exception? inner)
    {
        inner = null;
        long length = new FileInfo(file).Length;
        if (length > options.MaxFileBytes)
            return $"'{file}' is {length} bytes; at most {options.MaxFileBytes} bytes are accepted.";

        byte[] bytes = File.ReadAllBytes(file);
        var header = PngFile.ReadHeader(bytes, out string? structural);
        if (header is not { } hdr) return $"'{file}' {structural}.";

        if ((long)hdr.Width * hdr.Height > options.MaxPixels)
            return $"'{file}' declares {hdr.Width}x{hdr.Height} = {(long)hdr.Width * hdr.Height} pixels; at most {options.MaxPixels} are accepted.";
        if (hdr.Width != options.Width || hdr.Height != options.Height)
            return $"'{file}' is {hdr.Width}x{hdr.Height} pixels; expected {options.Width}x{options.Height}.";
        if (hdr.Channels != options.Channels && !options.ConvertColor)
            return $"'{file}' has {hdr.Channels} channel(s) (PNG color type {hdr.ColorType}); expected {options.Channels} "
                + $"({(options.Channels == 1 ? "grayscale" : "RGB")}). Set ConvertColor to convert.";

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
