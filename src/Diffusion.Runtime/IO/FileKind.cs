using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime.IO;

/// <summary>What a path names, following symlinks, found without opening it (opening a FIFO would block).</summary>
public enum FileKind
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

/// <summary>Reads a path's <see cref="FileKind"/>: Linux <c>statx</c>, whose layout is the same on every architecture.</summary>
public static class FileKinds
{
    /// <summary>The kind of what <paramref name="path"/> names, symlinks followed.</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return FileKind.Missing;
        int type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        return type switch
        {
            RegularType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid, stx_gid (u32), stx_mode (u16)
    private const int TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000;

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, byte[] statxbuf);
}
