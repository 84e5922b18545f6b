using System.CommandLine;
using Diffusion.Runtime.Models;

namespace Diffusion.Cli;

/// <summary>
/// sample's classifier guidance options (Dhariwal and Nichol 2021): --classifier, a noisy classifier's checkpoint;
/// --classifier-scale, the scale s; --classifier-model, which declared noisy classifier it is. Offered only when the
/// program declares a noisy classifier.
/// </summary>
internal sealed class GuideOptions
{
    private readonly ModelOption model;

    private GuideOptions(ModelCatalog catalog)
    {
        model = ModelOption.NoisyClassifier(catalog, "--classifier-model", "Which noisy classifier --classifier holds");
        Path = new Option<string?>("--classifier") { Description = "A noisy-classifier checkpoint (train --model with a noisy classifier): guide each row toward its class (Dhariwal and Nichol 2021). Use --guidance 0 to guide the unconditional model." };
        Scale = CliOptions.NonNegative("--classifier-scale", 1.0, "Classifier guidance scale s (with --classifier).");
    }

    /// <summary>--classifier: the checkpoint, or null for no classifier guidance.</summary>
    public Option<string?> Path { get; }

    /// <summary>--classifier-scale: s.</summary>
    public Option<double> Scale { get; }

    /// <summary>Adds the options to <paramref name="command"/>; null (and nothing added) when no noisy classifier is declared.</summary>
    public static GuideOptions? AddTo(Command command, ModelCatalog catalog)
    {
        if (catalog.OfKind(ModelKind.NoisyClassifier).Count == 0) return null;
        var options = new GuideOptions(catalog);
        command.Add(options.Path);
        command.Add(options.Scale);
        command.Add(options.model.Option);
        return options;
    }

    /// <summary>A fresh noisy classifier of the chosen kind when --classifier is given, else null.</summary>
    public INoisyClassifier? Create(ParseResult parse) => parse.GetValue(Path) is null ? null : (INoisyClassifier)model.Resolve(parse).Factory();
}
