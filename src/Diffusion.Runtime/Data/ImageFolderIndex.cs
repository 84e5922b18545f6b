using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.IO;

namespace Diffusion.Runtime.Data;

/// <summary>
/// The image files of a folder and their labels, found without decoding a pixel: the walk that
/// <see cref="ImageFolder.Load"/> and <see cref="StreamingImageFolder"/> share.
/// </summary>
/// <param name="Files">Every <c>.png</c> in load order: by label, then by path (ordinal) within a class.</param>
/// <param name="Labels">The label of each file; -1 for unconditional folders.</param>
/// <param name="ClassNames">The label-to-name mapping (see <see cref="ImageFolderData.ClassNames"/>).</param>
/// <param name="NumberedClasses">Whether the class folders are numbered (see <see cref="ImageFolderData.NumberedClasses"/>).</param>
/// <param name="Warnings">One line per skipped folder or entry (only with <see cref="ImageFolderOptions.SkipBadFiles"/>).</param>
public sealed record ImageFolderIndex(
    IReadOnlyList<string> Files,
    IReadOnlyList<int> Labels,
    IReadOnlyList<string> ClassNames,
    bool NumberedClasses,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Number of files found.</summary>
    public int Count => Files.Count;

    /// <summary>
    /// Walks <paramref name="root"/> as <paramref name="options"/> describes, treating the tree as untrusted
    /// (<see cref="DirectoryWalk"/>: no loops, bounded depth and entry count).
    /// </summary>
    /// <exception cref="ImageDataException">
    /// The folder is missing or holds no PNG, a class-conditional folder has no class subfolders, a class folder is
    /// empty, or the walk meets a problem (unless <see cref="ImageFolderOptions.SkipBadFiles"/>).
    /// </exception>
    public static ImageFolderIndex Build(string root, ImageFolderOptions options)
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

                var names = classFolders.Select(f => Path.GetFileName(f)).ToList();
                (int[] folderLabels, classNames) = ClassFolderLabels.Assign(root, names, options.Classes, out numbered);
                // Load order: by label, then by path within a class (independent of how the walk reached the files).
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

        return new ImageFolderIndex(
            entries.Select(e => e.File).ToArray(), entries.Select(e => e.Label).ToArray(), classNames, numbered, warnings);
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
}
