using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime.IO;

/// <summary>
/// Checks an output path before a command does any work, so that nothing a user owns is lost and no minutes of work
/// end in "cannot write". The rules, for a file and for a folder alike:
/// <list type="bullet">
/// <item>An output never lies inside, or is, or contains a protected path (the input checkpoints and their run
/// folders, the current directory for folders): replacing it would destroy the input. <c>--force</c> does not lift
/// this.</item>
/// <item>Something that exists is replaced only when this command made it before (the caller's <c>madeByUs</c>: a release
/// folder with its manifest, a PNG carrying the runtime's marker), when it is an empty folder, or with --force.</item>
/// <item>A file is never written where a folder is, nor the reverse; the nearest existing parent must be a folder
/// this process can write in.</item>
/// </list>
/// Symlinks are resolved before comparing, so a link cannot smuggle an input in. Writing itself then goes through
/// <see cref="AtomicFile"/> or <see cref="AtomicDirectory"/>.
/// </summary>
public static class OutputPath
{
    /// <summary>Checks a file output; returns its full path.</summary>
    /// <param name="path">The path the user gave.</param>
    /// <param name="option">The option that gave it, for messages (<c>--out</c>).</param>
    /// <param name="force">Whether the user allowed replacing what this command did not make.</param>
    /// <param name="madeByUs">Whether an existing regular file is this command's own earlier output.</param>
    /// <param name="protectedPaths">Inputs that must survive: the output may not be, contain or lie inside any of them.</param>
    /// <exception cref="OutputPathException">The path is refused; the message says why and what to do.</exception>
    public static string CheckFile(string path, string option, bool force, Func<string, bool> madeByUs, IEnumerable<string> protectedPaths)
    {
        string full = Full(path, option);
        RequireOutsideProtected(full, option, protectedPaths);
        switch (PathKinds.Of(full))
        {
            case PathKind.Directory:
                throw new OutputPathException(full, $"{option} {full}: is a folder; give the path of a file to write.");
            case PathKind.Special:
                if (!force) throw new OutputPathException(full, $"{option} {full}: is not a regular file (a device, FIFO or socket); refusing to replace it. Choose another path, or pass --force to replace it.");
                break;
            case PathKind.Regular:
                if (!force && !madeByUs(full))
                    throw new OutputPathException(full, $"{option} {full}: exists and was not written by this command; refusing to replace it. Choose another path, or pass --force to replace it.");
                break;
        }
        RequireWritableParent(full, option);
        return full;
    }

    /// <summary>Checks a folder output that will be replaced as a whole; returns its full path.</summary>
    /// <inheritdoc cref="CheckFile" path="/param"/>
    /// <exception cref="OutputPathException">The path is refused; the message says why and what to do.</exception>
    public static string CheckDirectory(string path, string option, bool force, Func<string, bool> madeByUs, IEnumerable<string> protectedPaths)
    {
        string full = Full(path, option);
        string cwd = Real(Directory.GetCurrentDirectory());
        if (Contains(Real(full), cwd))
            throw new OutputPathException(full, $"{option} {full}: is the current folder or one of its parents; replacing it would delete what it holds. Give a new folder's path.");
        RequireOutsideProtected(full, option, protectedPaths);
        switch (PathKinds.Of(full))
        {
            case PathKind.Regular or PathKind.Special:
                throw new OutputPathException(full, $"{option} {full}: is a file, not a folder; give the path of a folder to write.");
            case PathKind.Directory:
                if (!force && !madeByUs(full) && Directory.EnumerateFileSystemEntries(full).Any())
                    throw new OutputPathException(full, $"{option} {full}: is a folder that this command did not write and that is not empty; refusing to replace it. Choose another path, or pass --force to replace it and everything in it.");
                break;
        }
        RequireWritableParent(full, option);
        return full;
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="outer"/> or lies below it (both full, resolved paths).</summary>
    public static bool Contains(string outer, string inner)
    {
        outer = Path.TrimEndingDirectorySeparator(outer);
        inner = Path.TrimEndingDirectorySeparator(inner);
        if (string.Equals(outer, inner, StringComparison.Ordinal)) return true;
        string prefix = outer.EndsWith(Path.DirectorySeparatorChar) ? outer : outer + Path.DirectorySeparatorChar;
        return inner.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The path with every symlink of its existing part resolved (the missing tail appended as given).</summary>
    public static string Real(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!OperatingSystem.IsLinux()) return full;
        string existing = full, tail = "";
        while (true)
        {
            IntPtr resolved = realpath(existing, IntPtr.Zero);
            if (resolved != IntPtr.Zero)
            {
                try { return Path.Join(Marshal.PtrToStringUTF8(resolved)!, tail); }
                finally { free(resolved); }
            }
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null) return full;
            tail = tail.Length == 0 ? Path.GetFileName(existing) : Path.Join(Path.GetFileName(existing), tail);
            existing = parent;
        }
    }

    private static string Full(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OutputPathException(path, $"{option}: the path is empty.");
        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new OutputPathException(path, $"{option} '{path}': not a valid path ({e.Message}).");
        }
    }

    private static void RequireOutsideProtected(string full, string option, IEnumerable<string> protectedPaths)
    {
        string real = Real(full);
        foreach (var input in protectedPaths)
        {
            string protectedReal = Real(input);
            if (string.Equals(protectedReal, real, StringComparison.Ordinal))
                throw new OutputPathException(full, $"{option} {full}: is the input '{protectedReal}'; write outputs somewhere else, so the input stays as it is.");
            if (Contains(protectedReal, real))
                throw new OutputPathException(full, $"{option} {full}: lies inside the input '{protectedReal}'; write outputs somewhere else, so the input stays as it is.");
            if (Contains(real, protectedReal))
                throw new OutputPathException(full, $"{option} {full}: contains the input '{protectedReal}'; replacing it would delete the input. Give another path.");
        }
    }

    /// <summary>The nearest existing ancestor must be a folder, and writable when it is the parent itself.</summary>
    private static void RequireWritableParent(string full, string option)
    {
        string? ancestor = Path.GetDirectoryName(full);
        while (ancestor is not null && PathKinds.Of(ancestor) == PathKind.Missing) ancestor = Path.GetDirectoryName(ancestor);
        if (ancestor is null) return;
        if (PathKinds.Of(ancestor) != PathKind.Directory)
            throw new OutputPathException(full, $"{option} {full}: '{ancestor}' is a file, so no folder can be made there.");
        string probe = Path.Combine(ancestor, $".probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException(full, $"{option} {full}: cannot write in '{ancestor}' ({e.Message}).");
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
