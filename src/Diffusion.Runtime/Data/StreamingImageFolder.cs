using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Data;

/// <summary>
/// An image folder as an <see cref="ITrainingSet"/> that never holds more than a bounded number of decoded images:
/// a batch decodes the images it misses (in parallel) and keeps them in a least-recently-used
/// <see cref="DecodedImageCache"/>. The pixels are the same bytes, mapped to [-1, 1] the same way, as
/// <see cref="ImageFolder.Load"/>'s, so a run streams the same batches, and computes the same losses, as a run in
/// memory. When the whole folder fits in the cache, every image is decoded once.
/// </summary>
/// <remarks>
/// <see cref="Open"/> decodes every file once before training starts, so a bad file stops the run (or is skipped,
/// with <see cref="ImageFolderOptions.SkipBadFiles"/>) before the first step and not hours into it; a file that
/// changes on disk afterwards and no longer decodes stops training with an <see cref="ImageDataException"/> naming it.
/// </remarks>
public sealed class StreamingImageFolder : ITrainingSet
{
    private readonly ImageFolderOptions options;
    private readonly string[] files;
    private readonly long[]? labels;
    private readonly DecodedImageCache cache;
    private readonly int pixelsPerImage;

    private StreamingImageFolder(ImageFolderOptions options, string[] files, long[]? labels, DecodedImageCache cache,
        IReadOnlyList<string> classNames, bool numberedClasses, IReadOnlyList<string> warnings)
    {
        this.options = options;
        this.files = files;
        this.labels = labels;
        this.cache = cache;
        pixelsPerImage = options.Channels * options.Height * options.Width;
        ClassNames = classNames;
        NumberedClasses = numberedClasses;
        Warnings = warnings;
    }

    /// <inheritdoc/>
    public long Count => files.Length;

    /// <summary>Path of each image, in index order.</summary>
    public IReadOnlyList<string> Files => files;

    /// <summary>The label of each image (null for an unconditional folder).</summary>
    public IReadOnlyList<long>? Labels => labels;

    /// <summary>The label-to-name mapping (see <see cref="ImageFolderData.ClassNames"/>).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Whether the class folders are numbered (see <see cref="ImageFolderData.NumberedClasses"/>).</summary>
    public bool NumberedClasses { get; }

    /// <summary>One line per skipped file or folder (only with <see cref="ImageFolderOptions.SkipBadFiles"/>).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Bytes of decoded images held now (at most the cache size).</summary>
    public long CachedBytes => cache.UsedBytes;

    /// <summary>Images decoded since <see cref="Open"/> returned (cache misses).</summary>
    public long Decodes { get; private set; }

    /// <summary>
    /// Indexes <paramref name="root"/>, decodes every image once to check it, and keeps the first
    /// <paramref name="cacheBytes"/> bytes of them decoded.
    /// </summary>
    /// <exception cref="ImageDataException">As <see cref="ImageFolder.Load"/>.</exception>
    public static StreamingImageFolder Open(string root, ImageFolderOptions options, long cacheBytes)
    {
        var index = ImageFolderIndex.Build(root, options);
        var cache = new DecodedImageCache(cacheBytes);
        var warnings = new List<string>(index.Warnings);
        var kept = new List<int>(index.Count);
        int pixels = options.Channels * options.Height * options.Width;
        var scratch = new byte[pixels];
        for (int i = 0; i < index.Count; i++)
        {
            string file = index.Files[i];
            var destination = cache.UsedBytes + pixels + DecodedImageCache.EntryOverheadBytes <= cacheBytes ? new byte[pixels] : scratch;
            if (ImageDecoder.TryDecode(file, options, destination, out var inner) is { } problem)
            {
                if (!options.SkipBadFiles) throw new ImageDataException(file, problem, inner);
                warnings.Add($"skipped {problem}");
                continue;
            }

            if (!ReferenceEquals(destination, scratch)) cache.Add(kept.Count, destination);
            kept.Add(i);
        }

        if (kept.Count == 0)
            throw new ImageDataException(root, $"Image folder '{root}': every .png file was rejected ({warnings.Count} warnings).");

        bool conditional = options.Layout == ImageFolderLayout.ClassConditional;
        return new StreamingImageFolder(options, kept.Select(i => index.Files[i]).ToArray(),
            conditional ? kept.Select(i => (long)index.Labels[i]).ToArray() : null,
            cache, index.ClassNames, index.NumberedClasses, warnings);
    }

    /// <inheritdoc/>
    public void Validate(int channels, int imageSize, int? classes)
    {
        if (options.Channels != channels || options.Height != imageSize || options.Width != imageSize)
            throw new ArgumentException($"The image folder was opened as {options.Channels}x{options.Height}x{options.Width} but the model takes {channels}x{imageSize}x{imageSize}.");
        if (labels is null)
        {
            if (classes is not null) throw new ArgumentException($"The model is class-conditional ({classes} classes) but the image folder was opened without labels.");
            return;
        }
        if (classes is null) throw new ArgumentException("The image folder has labels but the model is unconditional.");
        long min = labels.Min(), max = labels.Max();
        if (min < 0 || max >= classes)
            throw new ArgumentException($"Labels span {min}..{max} but the model has classes 0..{classes - 1}.");
    }

    /// <inheritdoc/>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var pixels = new byte[indices.Length][];
        var missing = new List<int>();
        for (int b = 0; b < indices.Length; b++)
        {
            long index = indices[b];
            if (index < 0 || index >= files.Length) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {index} is outside 0..{files.Length - 1}.");
            if (!cache.TryGet((int)index, out pixels[b])) missing.Add(b);
        }

        // Decode what the cache misses on every core: libtorch waits for the batch anyway.
        var failures = new string?[indices.Length];
        var errors = new Exception?[indices.Length];
        Parallel.ForEach(missing, b =>
        {
            var decoded = new byte[pixelsPerImage];
            failures[b] = ImageDecoder.TryDecode(files[indices[b]], options, decoded, out errors[b]);
            pixels[b] = decoded;
        });
        foreach (int b in missing)
        {
            string file = files[indices[b]];
            if (failures[b] is { } problem) throw new ImageDataException(file, $"{problem} (it decoded when training started)", errors[b]);
            cache.Add((int)indices[b], pixels[b]);
        }
        Decodes += missing.Count;

        var values = new float[(long)indices.Length * pixelsPerImage];
        for (int b = 0; b < indices.Length; b++) ImageDecoder.ToUnitRange(pixels[b], values.AsSpan(b * pixelsPerImage, pixelsPerImage));
        var images = tensor(values, [indices.Length, options.Channels, options.Height, options.Width]);
        var batchLabels = labels is null ? null : tensor(indices.Select(i => labels[i]).ToArray(), int64);
        return (images, batchLabels);
    }
}
