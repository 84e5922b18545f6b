using System;
using System.CommandLine;
using Diffusion.Cli.Commands;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli;

/// <summary>
/// The command line of every declared model: <c>public static int Main(string[] args) =&gt; DiffusionHost.Run(args,
/// DeclaredModels.Catalog);</c> gives train, sample, eval, inspect and release for each model (and distill for a student) of the catalog, evaluate
/// and compare-guidance with an evaluator, and noisy-accuracy and classifier guidance when a noisy classifier is declared.
/// </summary>
public static class DiffusionHost
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code (0, or 1 with a message).</summary>
    public static int Run(string[] args, ModelCatalog catalog, HostOptions? options = null) => Create(catalog, options).Parse(args).Invoke();

    /// <summary>The root command with every command the catalog and options call for.</summary>
    public static RootCommand Create(ModelCatalog catalog, HostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new HostOptions();
        bool guidance = catalog.OfKind(ModelKind.NoisyClassifier).Count > 0;
        var root = new RootCommand(options.Description ?? $"Train, sample and evaluate the declared models: {string.Join(", ", catalog.Entries)}.")
        {
            TrainCommand.Create(catalog, options.TextEncoder),
            DistillCommand.Create(catalog),
            SampleCommand.Create(catalog, options.TextEncoder),
            LikelihoodCommand.Create(catalog),
            InspectCommand.Create(catalog),
            ReleaseCommand.Create(catalog),
        };
        if (options.Evaluator is { } evaluator)
        {
            root.Add(EvaluateCommand.Create(catalog, evaluator, options.TextEncoder));
            if (guidance) root.Add(GuidanceCommand.Create(catalog, evaluator));
        }
        if (guidance) root.Add(NoisyAccuracyCommand.Create(catalog));
        if (options.TextEncoder is { } textEncoder) root.Add(TrainImageEncoderCommand.Create(textEncoder));
        foreach (var command in options.Commands) root.Add(command);
        return root;
    }
}
