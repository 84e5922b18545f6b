using System;

namespace Diffusion.Runtime.Data;

/// <summary>
/// A data file or folder that does not hold what the caller asked for: a truncated or non-PNG image, an image of the
/// wrong size or channel count, an empty folder, a malformed MNIST package file. The message always names the file
/// (or folder) and what was expected; <see cref="Path"/> carries the same path for programmatic use.
/// </summary>
public sealed class ImageDataException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message should name it.</summary>
    /// <param name="path">The offending file or folder.</param>
    /// <param name="message">What was found and what was expected, naming <paramref name="path"/>.</param>
    /// <param name="inner">The decoder's own exception, if any.</param>
    public ImageDataException(string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The offending file or folder.</summary>
    public string Path { get; }
}
