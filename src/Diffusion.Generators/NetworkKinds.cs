using System;
using System.Collections.Generic;
using System.Text;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;
using Diffusion.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators;

/// <summary>
/// The table of network kinds a [DiffusionModel] can name: one row each. A new kind is its attribute, spec, parser,
/// emitter and one row here (docs/architecture.md, "Add a network kind").
/// </summary>
/// <remarks>
/// [UNetEncoder] is no row: it is a [NoisyClassifier]'s network, which outputs logits rather than a denoiser's
/// prediction, so it has none of the columns (a model's summary and description, DDSL007 for a model's network,
/// LearnSigma) and a model must not accept it. It keeps its own pipeline beside the classifier's.
/// </remarks>
internal static class NetworkKinds
{
    /// <summary>Every kind, in the order that decides which claims a class declared as two (DDSL008 reports it).</summary>
    public static IReadOnlyList<NetworkKind> All { get; } = new NetworkKind[]
    {
        new NetworkKind<TransformerSpec>(AttributeNames.DiffusionTransformer, "DiT", "Diffusion.Transformers",
            TransformerParser.Parse, TransformerEmitter.Emit, NetworkDescription.TransformerEntries),
        new NetworkKind<UNetSpec>(AttributeNames.UNet, "U-Net", "Diffusion.UNets",
            UNetParser.Parse, UNetEmitter.Emit, NetworkDescription.UNetEntries),
        new NetworkKind<PriorSpec>(AttributeNames.DiffusionPrior, "diffusion prior", "Diffusion.Priors",
            PriorParser.Parse, PriorEmitter.Emit, PriorEmitter.DescriptionEntries, "EmbeddingDim = ..."),
    };

    /// <summary>The kind whose attribute <paramref name="type"/> carries; null for no network class.</summary>
    public static NetworkKind? Declaring(INamedTypeSymbol type)
    {
        foreach (var kind in All)
        {
            if (DeclarationChecks.Has(type, kind.Attribute)) return kind;
        }
        return null;
    }

    /// <summary>The kind that parsed <paramref name="spec"/>.</summary>
    public static NetworkKind Of(NetworkSpec spec)
    {
        foreach (var kind in All)
        {
            if (kind.Holds(spec)) return kind;
        }
        // Only a spec type without a row gets here; the generator reports it as DDSL999 and the table tests catch it.
        throw new InvalidOperationException(spec.GetType().Name + " has no row in NetworkKinds.All");
    }

    /// <summary>"a [DiffusionTransformer] or [UNet]": what DDSL007 says a model's network must be.</summary>
    public static string DeclaredList { get; } = "a " + Alternatives(kind => kind.Declared);

    /// <summary>"[DiffusionTransformer(InputSize = ..., InChannels = ...)] or [UNet(...)]": DDSL007's hint.</summary>
    public static string UsageList { get; } = Alternatives(kind => kind.Usage);

    /// <summary>"A", "A or B", "A, B or C".</summary>
    private static string Alternatives(Func<NetworkKind, string> text)
    {
        var joined = new StringBuilder();
        for (int i = 0; i < All.Count; i++)
        {
            if (i > 0) joined.Append(i == All.Count - 1 ? " or " : ", ");
            joined.Append(text(All[i]));
        }
        return joined.ToString();
    }
}
