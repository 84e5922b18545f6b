using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Diffusion.Runtime.IO;

/// <summary>
/// The one way the runtime opens a file it did not write itself (training images, and any other untrusted input):
/// as a regular file only, within a size limit enforced on the bytes actually read.
/// </summary>
/// <remarks>
/// <para>
/// Why: <c>File.ReadAllBytes</c> on a path named <c>x.png</c> that is a symbolic link to <c>/dev/zero</c> reads until
/// memory runs out (a device reports length 0, so a length check passes), on a FIFO it blocks forever, and on a
/// directory it fails with a message about access rights. Here every such path ends in an
/// <see cref="InputFileException"/> whose message names the file and says what it is.
/// </para>
/// <para>
/// Symbolic links are followed by the kernel (a loop or a chain of more than 40 links fails with ELOOP) and accepted
/// only when they end at a regular file. On Linux (x64, Arm64) the path is first described with <c>statx</c>, so that
/// a device or FIFO is refused without being opened at all (opening some devices has side effects), then opened with
/// <c>O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY</c> (never blocks on a FIFO, never takes a terminal) and the open
/// descriptor itself is checked with <c>statx(fd, "", AT_EMPTY_PATH)</c>: that last check is the one that counts, and
/// it cannot race with a rename or a re-pointed link. Elsewhere a portable path checks with <see cref="FileInfo"/>
/// before opening; it refuses directories, missing files and link loops, and its byte limit still stops devices, but it
/// cannot tell a FIFO before opening it.
/// </para>
/// <para>
/// The limit: a file whose reported size exceeds <c>maxBytes</c> is refused before any byte is read, and every read is
/// bounded so that at most <c>maxBytes + 1</c> bytes are ever read; reaching byte <c>maxBytes + 1</c> refuses the file.
/// Pass <see cref="long.MaxValue"/> for no limit (the file must still be regular).
/// </para>
/// </remarks>
public static class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading as a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <returns>
    /// A seekable read-only stream; a read that would reach past byte <paramref name="maxBytes"/> throws
    /// <see cref="InputFileException"/>. Dispose it.
    /// </returns>
    /// <exception cref="InputFileException">
    /// The path does not exist, is a directory, device, FIFO or socket, is a symbolic link loop, cannot be read, or is
    /// larger than <paramref name="maxBytes"/>.
    /// </exception>
    public static Stream OpenRead(string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        return new BoundedReadStream(Open(path, maxBytes, bufferSize: 4096), path, maxBytes);
    }

    /// <summary>Reads all of <paramref name="path"/>, a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="InputFileException">As for <see cref="OpenRead"/>, or a read fails.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        long limit = Math.Min(maxBytes, Array.MaxLength - 1L);
        using var file = Open(path, limit, bufferSize: 0);
        using var stream = new BoundedReadStream(file, path, limit);
        // Sized from the reported length plus one byte, so that a file that keeps its size needs one buffer and one
        // final zero-byte read; a file that lied about its size grows the buffer, never past the limit plus one.
        var buffer = new byte[(int)Math.Min(limit + 1, Math.Max(file.Length + 1, 256))];
        int total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(limit + 1, 2L * buffer.Length));
                int n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
            }
        }
        catch (IOException e) when (e is not InputFileException)
        {
            throw new InputFileException(path, $"'{path}' could not be read: {e.Message}", e);
        }

        return total == buffer.Length ? buffer : buffer[..total];
    }

    /// <summary>The exception for a file past its limit; <paramref name="reportedSize"/> when the size is known up front.</summary>
    internal static InputFileException TooLarge(string path, long maxBytes, long? reportedSize) => new(path, reportedSize is { } size
        ? $"'{path}' is {size} bytes, larger than {maxBytes} bytes, the most accepted for this file."
        : $"'{path}' is larger than {maxBytes} bytes, the most accepted for this file (it reported a smaller size, or grew while being read).");

    private static FileStream Open(string path, long maxBytes, int bufferSize)
    {
        if (path.Length == 0) throw new InputFileException(path, "An input file path is empty.");
        if (LinuxFiles.Supported && TryOpenLinux(path, maxBytes, bufferSize) is { } stream) return stream;
        return OpenPortable(path, maxBytes, bufferSize);
    }

    /// <summary>The Linux path: statx the path, open without blocking, statx the descriptor. Null when statx is missing (ENOSYS, kernels before 4.11).</summary>
    private static FileStream? TryOpenLinux(string path, long maxBytes, int bufferSize)
    {
        FileStatus? before;
        int errno;
        try
        {
            before = LinuxFiles.StatPath(path, followLinks: true, out errno);
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library without statx (glibc before 2.28)
        }

        if (before is null)
        {
            if (errno == LinuxFiles.ENoSys) return null;
            throw Refusal(path, errno);
        }

        if (before.Value.Kind != FileKind.Regular) throw NotRegular(path, before.Value.Kind);
        if (before.Value.Size > maxBytes) throw TooLarge(path, maxBytes, before.Value.Size);

        int fd = LinuxFiles.OpenReadOnly(path, out errno);
        if (fd < 0) throw Refusal(path, errno);
        SafeFileHandle? handle = null;
        try
        {
            // The check that counts: what the descriptor refers to, however the path changed since the first statx.
            var status = LinuxFiles.StatDescriptor(fd, out errno);
            if (status is null) throw Refusal(path, errno);
            if (status.Value.Kind != FileKind.Regular) throw NotRegular(path, status.Value.Kind);
            if (status.Value.Size > maxBytes) throw TooLarge(path, maxBytes, status.Value.Size);
            handle = new SafeFileHandle(fd, ownsHandle: true);
            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            if (handle is null) LinuxFiles.Close(fd);
            else handle.Dispose();
            throw;
        }
    }

    /// <summary>The portable path: <see cref="FileInfo"/> checks, then an ordinary open.</summary>
    private static FileStream OpenPortable(string path, long maxBytes, int bufferSize)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            try
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: false } target && target is not DirectoryInfo)
                    throw new InputFileException(path, $"'{path}' is a symbolic link to '{target.FullName}', which does not exist.");
            }
            catch (IOException e) when (e is not InputFileException)
            {
                throw new InputFileException(path, $"'{path}' is a symbolic link loop (or too long a chain of links), not a regular file.", e);
            }
        }

        if (Directory.Exists(path)) throw NotRegular(path, FileKind.Directory);
        if (!File.Exists(path)) throw new InputFileException(path, $"'{path}' does not exist.");
        if (info.Length > maxBytes) throw TooLarge(path, maxBytes, info.Length);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputFileException(path, $"'{path}' cannot be read: permission denied.", e);
        }
        catch (IOException e) when (e is not InputFileException)
        {
            throw new InputFileException(path, $"'{path}' could not be opened: {e.Message}", e);
        }
    }

    /// <summary>A sentence for a failed statx or open, by errno.</summary>
    private static InputFileException Refusal(string path, int errno) => new(path, errno switch
    {
        LinuxFiles.ENoEnt => LinkTarget(path) is { } target
            ? $"'{path}' is a symbolic link to '{target}', which does not exist."
            : $"'{path}' does not exist.",
        LinuxFiles.ENotDir => $"'{path}' does not exist (a part of its path is a file, not a folder).",
        LinuxFiles.ELoop => $"'{path}' is a symbolic link loop (or a chain of more than 40 links), not a regular file.",
        LinuxFiles.EAccess => $"'{path}' cannot be read: permission denied.",
        LinuxFiles.ENameTooLong => $"'{path}' is too long a path for the file system.",
        LinuxFiles.EIsDir => $"'{path}' is a directory, not a regular file.",
        LinuxFiles.ENxIO => $"'{path}' is a socket or a device without a driver, not a regular file.",
        _ => $"'{path}' could not be opened: {new System.ComponentModel.Win32Exception(errno).Message} (errno {errno}).",
    });

    private static InputFileException NotRegular(string path, FileKind kind)
    {
        string what = kind switch
        {
            FileKind.Directory => "a directory",
            FileKind.CharacterDevice => "a character device",
            FileKind.BlockDevice => "a block device",
            FileKind.Fifo => "a FIFO (named pipe)",
            FileKind.Socket => "a socket",
            _ => "a file of an unknown type",
        };
        string link = LinkTarget(path) is { } target ? $" (a symbolic link to '{target}')" : "";
        return new InputFileException(path, $"'{path}'{link} is {what}, not a regular file.");
    }

    /// <summary>Where <paramref name="path"/> points if it is a symbolic link, for messages only; null otherwise or when unreadable.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
