using System;
using System.IO;

namespace Diffusion.Runtime.IO;

/// <summary>
/// An input file that <see cref="RegularFile"/> refused to open or read: missing, a directory, a device, a FIFO, a
/// socket, a symbolic link loop, unreadable, or larger than the caller's limit. The message is one sentence that names
/// the file and says what it is; <see cref="Path"/> carries the same path for programmatic use. It derives from
/// <see cref="IOException"/> so that code already handling I/O failures (a command line that prints them as one line)
/// handles it without change.
/// </summary>
public sealed class InputFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message should name it.</summary>
    /// <param name="path">The file as the caller named it (before symbolic links were resolved).</param>
    /// <param name="message">What the file is and what was expected, naming <paramref name="path"/>.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public InputFileException(string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The refused file, as the caller named it.</summary>
    public string Path { get; }
}
