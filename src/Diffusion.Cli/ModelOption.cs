using System;
using System.CommandLine;
using System.Linq;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli;

/// <summary>
/// --model of one command: any catalog entry of the kinds the command takes, by name or alias in any case. Without it,
/// the entry of the first kind marked default, else the only one of that kind; several and none chosen is an error
/// listing them. The help text lists every name it accepts.
/// </summary>
public sealed class ModelOption
{
    private readonly ModelCatalog catalog;
    private readonly ModelKind[] kinds;
    private readonly string name;

    /// <summary>--model for a command that trains (or exports what was trained): any declared model, a diffusion model by default.</summary>
    public static ModelOption Trainable(ModelCatalog catalog, string what) =>
        new(catalog, "--model", what, ModelKind.Diffusion, ModelKind.NoisyClassifier, ModelKind.Autoencoder);

    /// <summary>--model for a command that samples or scores: a diffusion model.</summary>
    public static ModelOption Diffusion(ModelCatalog catalog, string what) => new(catalog, "--model", what, ModelKind.Diffusion);

    /// <summary>--model for evaluate: a diffusion model (by default), a cascade (its last stage's images) or an autoencoder (its reconstructions).</summary>
    public static ModelOption Scoreable(ModelCatalog catalog, string what) =>
        new(catalog, "--model", what, ModelKind.Diffusion, ModelKind.Cascade, ModelKind.Autoencoder);

    /// <summary>--model for sample: a diffusion model or a cascade of them.</summary>
    public static ModelOption Sampleable(ModelCatalog catalog, string what) =>
        new(catalog, "--model", what, ModelKind.Diffusion, ModelKind.Cascade);

    /// <summary>A noisy classifier, as <paramref name="name"/> (--model of noisy-accuracy, --classifier-model of the guided commands).</summary>
    public static ModelOption NoisyClassifier(ModelCatalog catalog, string name, string what) => new(catalog, name, what, ModelKind.NoisyClassifier);

    private ModelOption(ModelCatalog catalog, string name, string what, params ModelKind[] kinds)
    {
        this.catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        this.kinds = kinds;
        this.name = name;
        var fallback = Default();
        Option = new Option<string?>(name)
        {
            Description = $"{what}: {Listing()}{(fallback is null ? "" : $"; default {fallback.Name}")}.",
        };
        Option.Validators.Add(result =>
        {
            if (!CliOptions.Parsed(result, out string? value) || value is null) return;
            if (catalog.Find(value) is not { } entry)
                result.AddError($"{name} {value}: no such model; this program declares {Listing()}.");
            else if (!kinds.Contains(entry.Kind) && entry.Kind == ModelKind.Autoencoder)
                result.AddError($"{name} {value}: {entry.Name} is an autoencoder: it encodes and decodes images and has nothing to sample or score "
                    + $"(train shows its reconstructions); this command takes {Listing()}.");
            else if (!kinds.Contains(entry.Kind))
                result.AddError($"{name} {value}: {entry.Name} is a {Describe(entry.Kind)}; this command takes {Listing()}.");
        });
    }

    /// <summary>The option to add to the command.</summary>
    public Option<string?> Option { get; }

    /// <summary>The entry chosen on the command line, or the default.</summary>
    /// <exception cref="CommandLineException">No --model was given and there is no single default.</exception>
    public ModelEntry Resolve(ParseResult parse)
    {
        if (parse.GetValue(Option) is { } value) return catalog.Find(value)!;    // the validator refused every other name
        return Default() ?? throw new CommandLineException(catalog.OfKind(kinds[0]).Count == 0
            ? $"this program declares no {Describe(kinds[0])}."
            : $"{name} is needed: this program declares {Listing()}; choose one.");
    }

    private ModelEntry? Default()
    {
        var candidates = catalog.OfKind(kinds[0]);
        return candidates.FirstOrDefault(e => e.IsDefault) ?? (candidates.Count == 1 ? candidates[0] : null);
    }

    private string Listing()
    {
        var entries = catalog.OfKind(kinds);
        return entries.Count == 0 ? "no such model" : string.Join(", ", entries);
    }

    private static string Describe(ModelKind kind) => kind switch
    {
        ModelKind.NoisyClassifier => "noisy classifier",
        ModelKind.Autoencoder => "autoencoder",
        ModelKind.Cascade => "cascade (sample it; train its stages)",
        _ => "diffusion model",
    };
}
