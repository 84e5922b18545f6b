using System;

namespace Diffusion.Cli;

/// <summary>A user error on the command line or in its inputs: printed as a message, never as a stack trace.</summary>
public sealed class CommandLineException(string message) : Exception(message);
