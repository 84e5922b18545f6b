using System;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime.IO;

/// <summary>What the kernel says a path or descriptor is (the fields of <c>statx</c> the runtime uses).</summary>
/// <param name="Kind">The file type from <c>stx_mode &amp; S_IFMT</c>.</param>
/// <param name="Size">The size the kernel reports: meaningful for regular files only (devices report 0).</param>
/// <param name="Device">The containing device (major &lt;&lt; 32 | minor): with <paramref name="Inode"/>, the file's identity.</param>
/// <param name="Inode">The inode number.</param>
internal readonly record struct FileStatus(FileKind Kind, long Size, ulong Device, ulong Inode);

/// <summary>File types as <c>S_IFMT</c> distinguishes them.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Unknown,
}

/// <summary>
/// The few Linux system calls <see cref="RegularFile"/> and the directory walk need, declared once. Only used on
/// x64 and Arm64 Linux, where the open flags below and <c>statx</c>'s layout hold (statx's layout is the same on every
/// architecture; the O_ flag values are the generic ones that x86-64 and AArch64 share, unlike, say, MIPS or SPARC).
/// Everything else takes the portable path of <see cref="RegularFile"/>.
/// </summary>
internal static class LinuxFiles
{
    private const int ORdOnly = 0, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxIno = 0x100, StatxSize = 0x200;
    private const int StatxBufferBytes = 256;

    /// <summary>errno values (generic Linux numbering) that get their own sentence.</summary>
    public const int ENoEnt = 2, ENxIO = 6, EAccess = 13, ENotDir = 20, EIsDir = 21, ENameTooLong = 36, ENoSys = 38, ELoop = 40;

    /// <summary>True where the declarations here are valid: Linux on x64 or Arm64.</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// <c>open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)</c>: follows symbolic links (the kernel bounds the
    /// chain and fails with ELOOP), never blocks on a FIFO without a writer, never becomes a controlling terminal, and
    /// is not inherited by child processes. Returns the descriptor or -1 with <paramref name="errno"/> set.
    /// </summary>
    public static int OpenReadOnly(string path, out int errno)
    {
        int fd = open(path, ORdOnly | ONonBlock | OCloExec | ONoCtty, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary><c>statx(fd, "", AT_EMPTY_PATH)</c>: what an open descriptor refers to, with no path to race on.</summary>
    public static FileStatus? StatDescriptor(int fd, out int errno) => Stat(fd, "", AtEmptyPath, out errno);

    /// <summary>
    /// <c>statx</c> of a path relative to the working directory; <paramref name="followLinks"/> false describes a
    /// symbolic link itself rather than its target.
    /// </summary>
    public static FileStatus? StatPath(string path, bool followLinks, out int errno) =>
        Stat(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, out errno);

    private static FileStatus? Stat(int dirfd, string path, int flags, out int errno)
    {
        var buffer = new byte[StatxBufferBytes];
        if (statx(dirfd, path, flags, StatxType | StatxSize | StatxIno, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        // struct statx: stx_mode (u16) at byte 28, stx_ino (u64) at 32, stx_size (u64) at 40, stx_dev_major and
        // stx_dev_minor (u32) at 136 and 140. Native byte order.
        ushort mode = BitConverter.ToUInt16(buffer, 28);
        ulong inode = BitConverter.ToUInt64(buffer, 32);
        ulong size = BitConverter.ToUInt64(buffer, 40);
        ulong device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
        return new FileStatus(kind, size > long.MaxValue ? long.MaxValue : (long)size, device, inode);
    }

    /// <summary>Closes a descriptor that was not handed to a <c>SafeFileHandle</c>.</summary>
    public static void Close(int fd) => close(fd);

    // open(2) is variadic; passing the optional mode as a third int is how every P/Invoke of it works on these ABIs.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
