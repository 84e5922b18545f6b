using System;
using Diffusion.Runtime.Evaluation;

namespace Diffusion.Cli;

/// <summary>
/// How the host obtains a user's evaluator (a classifier trained on real images that exposes its penultimate features)
/// for evaluate and compare-guidance: a loader from the path given on the command line.
/// </summary>
/// <param name="Description">What the path is, for the help text (such as "The folder holding classifier.safetensors").</param>
/// <param name="Load">Loads the evaluator from the path; false skips checksums (--no-verify). It throws
/// <see cref="CommandLineException"/> or an I/O exception with a message for a path that does not hold one.</param>
public sealed record EvaluatorSource(string Description, Func<string, bool, IImageEvaluator> Load)
{
    /// <summary>
    /// What the program measures on its images for the attribute words of prompts (evaluate --prompts of a text
    /// model); null: only digit adherence is judged.
    /// </summary>
    public IAttributeMeasure? Attributes { get; init; }
}
