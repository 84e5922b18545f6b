using System;
using System.IO;
using System.Linq;

namespace Diffusion.Runtime.IO;

/// <summary>
/// Writes a file so that its path holds either the old or the new complete contents at every moment: the bytes go to a
/// hidden <c>.{name}.tmp-{id}</c> file in the same folder, are flushed to disk, and one rename puts them in place.
/// Leftover temporary files of an interrupted write are removed by the next write of the same path.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (its folder is created if needed).</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        string name = Path.GetFileName(fullPath);
        Directory.CreateDirectory(folder);
        RemoveLeftovers(folder, name);
        string temporary = Path.Combine(folder, $".{name}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            TestHooks.Pause("atomic-file-written");
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    private static void RemoveLeftovers(string folder, string name)
    {
        string prefix = $".{name}.tmp-";
        foreach (var leftover in Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            try { File.Delete(leftover); } catch (IOException) { }
        }
    }
}
