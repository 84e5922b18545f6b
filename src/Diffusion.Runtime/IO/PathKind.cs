using System.IO;

namespace Diffusion.Runtime.IO;

/// <summary>What a path names, symlinks followed, found without opening it (opening a FIFO would block).</summary>
public enum PathKind
{
    /// <summary>Nothing is there (or a symlink leads nowhere).</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A device, FIFO, socket or anything else that is not a regular file or directory.</summary>
    Special,
}

/// <summary>Reads a path's <see cref="PathKind"/> (Linux <c>statx</c> through <see cref="LinuxFiles"/>).</summary>
public static class PathKinds
{
    /// <summary>The kind of what <paramref name="path"/> names, symlinks followed.</summary>
    public static PathKind Of(string path)
    {
        if (!LinuxFiles.Supported)
            return Directory.Exists(path) ? PathKind.Directory : File.Exists(path) ? PathKind.Regular : PathKind.Missing;
        return LinuxFiles.StatPath(path, followLinks: true, out _)?.Kind switch
        {
            null => PathKind.Missing,
            FileKind.Regular => PathKind.Regular,
            FileKind.Directory => PathKind.Directory,
            _ => PathKind.Special,
        };
    }
}
