using System;
using System.IO;
using Diffusion.Runtime.IO;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The one way checkpoint code opens a file for reading (weights, config.json, trainer.json, SHA256SUMS, the classifier's
/// weights): through <see cref="RegularFile"/>, so the path must name a regular file (after following symbolic links)
/// no larger than the caller's bound, a FIFO cannot block and <c>/dev/zero</c> cannot be read forever. Every refusal is
/// a <see cref="CheckpointException"/> naming the file.
/// </summary>
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
    /// Opens <paramref name="path"/> for reading as a regular file of at most <paramref name="maxBytes"/> bytes (a read
    /// past that refuses it too). The stream is seekable and its <see cref="Stream.Length"/> is the file's.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, is not a regular file (a FIFO, device, socket or
    /// directory, also behind a symbolic link), is larger than <paramref name="maxBytes"/>, or cannot be opened.</exception>
    public static Stream Open(string path, long maxBytes)
    {
        if (PathKinds.Of(path) == PathKind.Missing && new FileInfo(path).LinkTarget is null)
            throw new CheckpointException(path, $"Checkpoint file '{path}' is missing.");
        try
        {
            return RegularFile.OpenRead(path, maxBytes);
        }
        catch (InputFileException e)
        {
            throw new CheckpointException(path, $"Checkpoint file {e.Message} Refusing to read it.", e);
        }
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
        catch (InputFileException e)
        {
            throw new CheckpointException(path, $"Checkpoint file {e.Message} Refusing to read it.", e);
        }
        return bytes;
    }
}
