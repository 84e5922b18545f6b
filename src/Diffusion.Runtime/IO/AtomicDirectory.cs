using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime.IO;

/// <summary>
/// Writes a directory so that, after a crash or a kill at any moment, its final path holds either the complete old
/// contents or the complete new ones, never a mix and never nothing (when something was there before).
/// </summary>
/// <remarks>
/// The new contents are written into a hidden <c>.tmp-{name}-{id}</c> sibling. A new directory is then renamed into
/// place. An existing one is swapped with it in one step by Linux's <c>renameat2(RENAME_EXCHANGE)</c>, after which the
/// temporary name holds the old contents and is deleted. Where the exchange is not available (another OS, a file
/// system without it) the old directory is first renamed to <c>.old-{name}-{id}</c>: a crash between the two renames
/// leaves the final name empty, and <see cref="RemoveLeftovers"/> puts the old directory back on the next run.
/// </remarks>
public static class AtomicDirectory
{
    private const string TemporaryPrefix = ".tmp-";
    private const string OldPrefix = ".old-";

    /// <summary>
    /// Runs <paramref name="write"/> on an empty temporary directory beside <paramref name="finalDirectory"/>, then moves
    /// the result into place, replacing what is there. The parent is created if needed. Leftovers of an earlier
    /// interrupted write of the same directory are cleaned first.
    /// </summary>
    public static void Write(string finalDirectory, Action<string> write)
    {
        finalDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(finalDirectory));
        string parent = Path.GetDirectoryName(finalDirectory)!;
        string name = Path.GetFileName(finalDirectory);
        Directory.CreateDirectory(parent);
        RemoveLeftovers(parent, name);
        string temporary = Path.Combine(parent, $"{TemporaryPrefix}{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            write(temporary);
            TestHooks.Pause("atomic-directory-written");
            if (!Directory.Exists(finalDirectory))
            {
                Directory.Move(temporary, finalDirectory);
                return;
            }
            if (Exchange(temporary, finalDirectory))
            {
                TestHooks.Pause("atomic-directory-exchanged");
                Directory.Delete(temporary, recursive: true);
                return;
            }
            string old = Path.Combine(parent, $"{OldPrefix}{name}-{Guid.NewGuid():N}");
            Directory.Move(finalDirectory, old);
            TestHooks.Pause("atomic-directory-between-renames");
            Directory.Move(temporary, finalDirectory);
            Directory.Delete(old, recursive: true);
        }
        catch
        {
            try { if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Cleans what an interrupted <see cref="Write"/> of <c>{parent}/{name}</c> left: <c>.tmp-{name}-*</c> directories
    /// are deleted (never in place, so never the only copy), and a <c>.old-{name}-*</c> directory is put back when
    /// <c>{name}</c> is missing (the crash fell between the two renames of the fallback) or deleted otherwise. With
    /// <paramref name="name"/> null, every such leftover in <paramref name="parent"/> is cleaned.
    /// </summary>
    public static void RemoveLeftovers(string parent, string? name = null)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var directory in Directory.EnumerateDirectories(parent, ".*").ToList())
        {
            string leftover = Path.GetFileName(directory);
            try
            {
                if (OriginalName(leftover, TemporaryPrefix) is { } tmpOf && (name is null || tmpOf == name))
                    Directory.Delete(directory, recursive: true);
                else if (OriginalName(leftover, OldPrefix) is { } oldOf && (name is null || oldOf == name))
                {
                    string original = Path.Combine(parent, oldOf);
                    if (Directory.Exists(original)) Directory.Delete(directory, recursive: true);
                    else Directory.Move(directory, original);
                }
            }
            catch (IOException)
            {
                // Best effort: a leftover that cannot be removed now is tried again by the next write.
            }
        }
    }

    /// <summary>The <c>{name}</c> of a <c>{prefix}{name}-{32 hex digits}</c> leftover, or null.</summary>
    private static string? OriginalName(string leftover, string prefix)
    {
        const int suffix = 33; // "-" and a Guid in "N" format
        if (!leftover.StartsWith(prefix, StringComparison.Ordinal) || leftover.Length <= prefix.Length + suffix) return null;
        if (leftover[^suffix] != '-' || !leftover[^32..].All(Uri.IsHexDigit)) return null;
        return leftover[prefix.Length..^suffix];
    }

    /// <summary>Swaps two paths in one step (Linux renameat2 with RENAME_EXCHANGE); false where that is unsupported.</summary>
    private static bool Exchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a libc older than glibc 2.28
        }
        int error = Marshal.GetLastPInvokeError();
        if (error is ENOSYS or EINVAL or ENOTSUP) return false;
        throw new IOException($"Could not swap '{a}' with '{b}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;
    private const int ENOSYS = 38, EINVAL = 22, ENOTSUP = 95;

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}
