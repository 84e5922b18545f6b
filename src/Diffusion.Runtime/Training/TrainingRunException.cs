using System;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The run folder does not fit the requested run: it already holds checkpoints and resuming was not asked for, or the
/// checkpoint to resume was trained with another seed or is past the requested steps. The message names the folder and
/// what to do.
/// </summary>
/// <param name="folder">The run folder or checkpoint.</param>
/// <param name="message">What does not fit and what the user can do.</param>
public sealed class TrainingRunException(string folder, string message) : Exception(message)
{
    /// <summary>The run folder or checkpoint the message is about.</summary>
    public string Folder { get; } = folder;
}
