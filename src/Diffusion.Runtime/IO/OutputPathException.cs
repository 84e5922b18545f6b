using System.IO;

namespace Diffusion.Runtime.IO;

/// <summary>An output path that a command refuses to write, found before any work starts; the message names the option and the path.</summary>
/// <param name="path">The refused path.</param>
/// <param name="message">What is wrong and what the user can do.</param>
public sealed class OutputPathException(string path, string message) : IOException(message)
{
    /// <summary>The refused path.</summary>
    public string OutputPath { get; } = path;
}
