using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The one way checkpoint code opens a file for reading (weights, config.json, trainer.json, SHA256SUMS, the classifier's
/// weights): the path must name a regular file (after following symbolic links) no larger than the caller's bound, and
/// both are checked before the file is opened, so a FIFO cannot block <c>open</c> and <c>/dev/zero</c> cannot be read
/// forever. Every refusal is a <see cref="CheckpointException"/> naming the file.
/// </summary>
/// <remarks>
/// .NET has no public API for a file's type, so on Linux the type comes from <c>statx(2)</c> (which follows symbolic
/// links unless asked not to). Elsewhere only what <see cref="FileInfo"/> can tell is checked. This is a minimal stand-in
/// for a shared regular-file guard; when one lands in the runtime, <see cref="Open"/> should call it.
/// </remarks>
internal static class CheckpointInput
{
    /// <summary>The largest JSON file (config.json, trainer.json) read: 256 MiB, far above a million-step loss history.</summary>
    public const long MaxJsonBytes = 256L << 20;

    /// <summary>The largest checksum manifest read: 1 MiB (a few lines per file).</summary>
    public const long MaxManifestBytes = 1L << 20;

    /// <summary>
    /// The largest weights file read or hashed: 1 TiB, a sanity bound; what a reader allocates is bounded by the file's
    /// actual length, never by what its header claims.
    /// </summary>
    public const long MaxWeightsBytes = 1L << 40;

    /// <summary>
    /// Opens <paramref name="path"/> for reading after checking that it exists, is a regular file and holds at most
    /// <paramref name="maxBytes"/> bytes. The returned stream's <see cref="Stream.Length"/> is the length that was checked.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, is not a regular file (a FIFO, device, socket or
    /// directory, also behind a symbolic link), is larger than <paramref name="maxBytes"/>, or cannot be opened.</exception>
    public static FileStream Open(string path, long maxBytes)
    {
        RequireRegularFile(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is missing.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' cannot be opened: {e.Message}", e);
        }
        long length = stream.Length;
        if (length > maxBytes)
        {
            stream.Dispose();
            throw new CheckpointException(path, $"Checkpoint file '{path}' is {length.ToString(CultureInfo.InvariantCulture)} bytes, more than the {maxBytes.ToString(CultureInfo.InvariantCulture)} accepted for it; refusing to read it.");
        }
        return stream;
    }

    /// <summary>All bytes of <paramref name="path"/>, opened by <see cref="Open"/>: at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="CheckpointException">As <see cref="Open"/>, or the file shrank while it was read.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = Open(path, Math.Min(maxBytes, Array.MaxLength));
        var bytes = new byte[stream.Length];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' shrank while it was read.", e);
        }
        return bytes;
    }

    private static void RequireRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            // No FIFOs or devices behind ordinary paths on Windows; elsewhere FileInfo is what .NET can tell.
            if (!File.Exists(path)) throw new CheckpointException(path, $"Checkpoint file '{path}' is missing.");
            return;
        }
        var buffer = new byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
                throw new CheckpointException(path, $"Checkpoint file '{path}' is missing{(IsDanglingLink(path) ? " (a symbolic link to a path that does not exist)" : "")}.");
            if (errno is Enosys) return; // a kernel before 4.11: open and read as before
            throw new CheckpointException(path, $"Checkpoint file '{path}' cannot be examined (errno {errno.ToString(CultureInfo.InvariantCulture)}).");
        }
        int type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        if (type == RegularType) return;
        string what = type switch
        {
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x4000 => "a directory",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        string target = File.ResolveLinkTarget(path, returnFinalTarget: true) is { } link ? $" (a symbolic link to '{link.FullName}')" : "";
        throw new CheckpointException(path, $"Checkpoint file '{path}' is {what}{target}, not a regular file; refusing to read it.");
    }

    private static bool IsDanglingLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // statx(2): struct statx is 256 bytes on every architecture; stx_mode is the u16 at byte 28.
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int Enoent = 2;
    private const int Enotdir = 20;
    private const int Enosys = 38;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int directoryFd, string path, int flags, uint mask, byte[] buffer);
}
