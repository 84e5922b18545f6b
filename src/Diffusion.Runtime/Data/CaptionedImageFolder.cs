using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Diffusion.Runtime.Data;

/// <summary>
/// An image folder whose images have captions (<see cref="CaptionFile"/>): the images stream through
/// <see cref="StreamingImageFolder"/> (the same checks, limits, labels and bounded cache), and each image's captions
/// come from the captions file, one drawn per use (<see cref="DrawCaptions"/>).
/// </summary>
/// <remarks>
/// Every caption line must name an image the folder walk found: a line naming a missing image is an
/// <see cref="ImageDataException"/> naming the file and the line, or, with <see cref="ImageFolderOptions.SkipBadFiles"/>,
/// a warning (the line left out). Every image needs at least one caption, whatever the options: an uncaptioned image
/// would train on no text, so it is refused by name (caption it, or move it out of the folder). The captions file is
/// read and matched against the folder walk before any image is decoded, so a bad line stops the load at once.
/// </remarks>
public sealed class CaptionedImageFolder
{
    private readonly string[][] captions;

    private CaptionedImageFolder(StreamingImageFolder images, string[][] captions, string captionsFile, IReadOnlyList<string> warnings)
    {
        Images = images;
        this.captions = captions;
        CaptionsFile = captionsFile;
        Warnings = warnings;
    }

    /// <summary>The images (and labels, for a class-conditional folder), index i matching <see cref="Captions"/>[i].</summary>
    public StreamingImageFolder Images { get; }

    /// <summary>Each image's captions, in the captions file's order, at least one each.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Captions => captions;

    /// <summary>The captions file that was read.</summary>
    public string CaptionsFile { get; }

    /// <summary>Number of images.</summary>
    public long Count => Images.Count;

    /// <summary>One line per skipped caption line, image or file (only with <see cref="ImageFolderOptions.SkipBadFiles"/>).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Opens <paramref name="root"/> as <see cref="StreamingImageFolder.Open"/> does, with the captions of
    /// <paramref name="captionsFile"/> (default <c>{root}/captions.tsv</c>).
    /// </summary>
    /// <exception cref="ImageDataException">As <see cref="StreamingImageFolder.Open"/> and <see cref="CaptionFile.Read"/>, or a
    /// caption line names an image the folder does not hold, or an image has no caption.</exception>
    public static CaptionedImageFolder Open(string root, ImageFolderOptions options, long cacheBytes, string? captionsFile = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        captionsFile ??= Path.Combine(root, CaptionFile.DefaultName);
        var lines = CaptionFile.Read(captionsFile);
        var index = ImageFolderIndex.Build(root, options);
        var warnings = new List<string>();

        var byImage = index.Files.ToDictionary(file => Relative(root, file), _ => new List<string>(), StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (byImage.TryGetValue(line.ImagePath, out var list))
            {
                list.Add(line.Caption);
                continue;
            }

            string message = $"Captions file '{captionsFile}' line {line.Line} names '{line.ImagePath}', which is not an image of '{root}' "
                + "(a .png file the folder walk finds: check the path, relative to the folder, and the layout).";
            if (!options.SkipBadFiles) throw new ImageDataException(captionsFile, message);
            warnings.Add($"skipped {message}");
        }

        var uncaptioned = byImage.Where(p => p.Value.Count == 0).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (uncaptioned.Count > 0)
            throw new ImageDataException(captionsFile, $"Captions file '{captionsFile}' has no caption for {uncaptioned.Count} image(s) of '{root}' "
                + $"({string.Join(", ", uncaptioned.Take(5).Select(i => $"'{i}'"))}{(uncaptioned.Count > 5 ? ", ..." : "")}); "
                + "every image of a captioned folder needs at least one line 'image path<TAB>caption'.");

        var images = StreamingImageFolder.Open(root, options, cacheBytes);
        warnings.AddRange(images.Warnings);
        return new CaptionedImageFolder(images, images.Files.Select(file => byImage[Relative(root, file)].ToArray()).ToArray(), captionsFile, warnings);
    }

    /// <summary>
    /// One caption per image at <paramref name="indices"/>, each drawn uniformly from that image's captions by a
    /// generator seeded with <paramref name="seed"/> alone: the same indices and seed give the same captions in every run,
    /// so a resumed run (which derives the seed from its step, as <see cref="Training.TrainingSeeds"/> does) draws what an
    /// uninterrupted one drew.
    /// </summary>
    public string[] DrawCaptions(long[] indices, long seed)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var drawn = new string[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            long index = indices[b];
            if (index < 0 || index >= captions.Length) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {index} is outside 0..{captions.Length - 1}.");
            var choices = captions[index];
            drawn[b] = choices[random.Next(choices.Length)];
        }

        return drawn;
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
}
