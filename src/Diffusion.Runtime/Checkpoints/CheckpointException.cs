using System;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// A checkpoint could not be written or read: a file is missing, truncated or corrupted, its keys or shapes do not
/// match the network, it was written for another architecture, or the weights are not finite. The message names the
/// file (<see cref="Path"/>) and what is wrong.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception for the file or directory <paramref name="path"/>.</summary>
    public CheckpointException(string path, string message, Exception? inner = null) : base(message, inner) => Path = path;

    /// <summary>The checkpoint file or directory the error is about.</summary>
    public string Path { get; }
}
