using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Diffusion.Runtime.IO;

/// <summary>One thing a <see cref="DirectoryWalk"/> left out, with the sentence that says why (naming the path).</summary>
/// <param name="Path">The entry left out.</param>
/// <param name="Message">What it is and why it was not walked or taken.</param>
internal sealed record WalkProblem(string Path, string Message);

/// <summary>
/// A walk of a folder tree that cannot loop, cannot count a folder or a file twice, and ends: the replacement for
/// <c>Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)</c>, which follows a symbolic link such as
/// <c>3/loop -&gt; ..</c> round and round (ten images became 1,230, under the wrong labels).
/// </summary>
/// <remarks>
/// The rule: symbolic links are followed, to folders and to files, but every folder and every file is taken at most
/// once, by its identity (device and inode on Linux, where hard links are caught too; the fully resolved path
/// elsewhere). A second path to a folder already walked (a link back to an ancestor, which would loop, or a second
/// route to a folder taken elsewhere, which would count its images twice, possibly under another label) and a second
/// path to a file already taken are left out and recorded as a <see cref="WalkProblem"/> that names both paths; the
/// caller decides whether that is an error. Entries are visited in ordinal order, so the first path wins
/// deterministically. Folders deeper than the depth limit are left out the same way, and more entries in all than
/// the entry limit stop the walk with an exception, so a huge or generated tree cannot keep it busy.
/// </remarks>
internal sealed class DirectoryWalk
{
    private readonly string root;
    private readonly int maxDepth;
    private readonly long maxEntries;
    private readonly Dictionary<string, string> folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> files = new(StringComparer.Ordinal);
    private readonly List<string> ancestors = [];
    private readonly List<WalkProblem> problems = [];
    private long entries;

    /// <summary>Starts a walk at <paramref name="root"/>, which must be a folder (links followed).</summary>
    public DirectoryWalk(string root, int maxDepth, long maxEntries)
    {
        this.root = root;
        this.maxDepth = maxDepth;
        this.maxEntries = maxEntries;
        if (Identify(root) is { Kind: FileKind.Directory } status)
        {
            folders[status.Key] = root;
            ancestors.Add(status.Key);
        }
    }

    /// <summary>Everything left out so far, in the order met.</summary>
    public IReadOnlyList<WalkProblem> Problems => problems;

    /// <summary>
    /// The subfolders directly in the root (links to folders included), each one taken only if no other path led to
    /// it first; with the number of other entries (files and the like) beside them.
    /// </summary>
    public List<string> Subfolders(out int otherEntries)
    {
        var result = new List<string>();
        otherEntries = 0;
        foreach (var (path, status) in List(root))
        {
            if (status?.Kind == FileKind.Directory)
            {
                if (Claim(path, status.Value, depth: 1)) result.Add(path);
            }
            else
            {
                otherEntries++;
            }
        }

        return result;
    }

    /// <summary>
    /// The files under <paramref name="folder"/> (a folder the walk already holds: the root or one returned by
    /// <see cref="Subfolders"/>), at any depth below it, whose names <paramref name="wanted"/> accepts. A wanted name
    /// that is not a regular file (a FIFO, a device, a broken link) is returned too: opening it is what refuses it,
    /// with the exact reason.
    /// </summary>
    public List<string> Files(string folder, Func<string, bool> wanted, int depth)
    {
        var found = new List<string>();
        var key = Identify(folder)?.Key;
        if (key is not null) ancestors.Add(key);
        try
        {
            Collect(folder, wanted, depth, found);
        }
        finally
        {
            if (key is not null) ancestors.RemoveAt(ancestors.Count - 1);
        }

        return found;
    }

    private void Collect(string folder, Func<string, bool> wanted, int depth, List<string> found)
    {
        foreach (var (path, status) in List(folder))
        {
            if (status is { Kind: FileKind.Directory } directory)
            {
                if (!Claim(path, directory, depth + 1)) continue;
                ancestors.Add(directory.Key);
                Collect(path, wanted, depth + 1, found);
                ancestors.RemoveAt(ancestors.Count - 1);
            }
            else if (wanted(path))
            {
                if (status is { Kind: FileKind.Regular } file)
                {
                    if (files.TryGetValue(file.Key, out string? first))
                    {
                        problems.Add(new WalkProblem(path, $"'{path}' is the same file as '{first}' (a link to it); an image is taken once, under its first path."));
                        continue;
                    }
                    files[file.Key] = path;
                }
                found.Add(path);
            }
        }
    }

    /// <summary>Takes a folder for walking unless another path led to it first or it is too deep; records why not.</summary>
    private bool Claim(string path, Status status, int depth)
    {
        if (folders.TryGetValue(status.Key, out string? first))
        {
            problems.Add(new WalkProblem(path, ancestors.Contains(status.Key)
                ? $"'{path}' leads back to '{first}', a folder that contains it (a symbolic link loop); it is not followed."
                : $"'{path}' is a second path to the folder '{first}' (a symbolic link); it is not followed, so that no image counts twice."));
            return false;
        }

        if (depth > maxDepth)
        {
            problems.Add(new WalkProblem(path, $"'{path}' is {depth} folders below '{root}', deeper than the {maxDepth} walked; it is not followed."));
            return false;
        }

        folders[status.Key] = path;
        return true;
    }

    /// <summary>The entries of <paramref name="folder"/> in ordinal order, each with what it is (links followed; null when that cannot be told).</summary>
    private List<(string Path, Status? Status)> List(string folder)
    {
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new WalkProblem(folder, $"'{folder}' cannot be listed ({e.Message}); it is left out."));
            return [];
        }

        entries += names.Length;
        if (entries > maxEntries)
            throw new InputFileException(root, $"'{root}' holds more than {maxEntries} files and folders; the walk stops there. Point the loader at a smaller folder.");
        Array.Sort(names, StringComparer.Ordinal);
        return names.Select(path => (path, Identify(path))).ToList();
    }

    /// <summary>What a path is after following links, with an identity key; null when it cannot be told (broken link, loop, no access).</summary>
    private readonly record struct Status(FileKind Kind, string Key);

    private static Status? Identify(string path)
    {
        if (LinuxFiles.Supported)
        {
            try
            {
                var status = LinuxFiles.StatPath(path, followLinks: true, out int errno);
                if (status is { } s) return new Status(s.Kind, $"{s.Device}:{s.Inode}");
                if (errno != LinuxFiles.ENoSys) return null;
            }
            catch (EntryPointNotFoundException)
            {
                // no statx in this C library: the portable path below
            }
        }

        try
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            if (!info.Exists) return null;
            return new Status(info is DirectoryInfo ? FileKind.Directory : FileKind.Regular, Path.GetFullPath(info.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
