using System;
using System.Collections.Generic;
using System.CommandLine;
using Diffusion.Runtime.Text;

namespace Diffusion.Cli;

/// <summary>What a program adds to the host's commands: a description, an evaluator, a text encoder and commands of its own.</summary>
public sealed class HostOptions
{
    /// <summary>The root command's help text; by default one naming the declared models.</summary>
    public string? Description { get; init; }

    /// <summary>The evaluator of evaluate and compare-guidance; without one, those commands are not offered.</summary>
    public EvaluatorSource? Evaluator { get; init; }

    /// <summary>
    /// Creates the frozen text encoder that text-conditioned models train and sample with (such as Diffusion.Text's
    /// MiniLmTextEncoder; the host disposes it after use). Without one, train and sample refuse text-conditioned models
    /// and sample offers no --prompt.
    /// </summary>
    public Func<ITextEncoder>? TextEncoder { get; init; }

    /// <summary>Further commands (such as a dataset's preparation), added after the host's own.</summary>
    public IReadOnlyList<Command> Commands { get; init; } = [];
}
