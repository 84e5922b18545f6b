using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [DiffusionPrior] with the [TextConditioning] and [TimestepEmbedding] beside it to a <see cref="PriorSpec"/>
/// (Ramesh et al. 2022, Sec. 2.1): sizes in range (DDSL003), heads that divide the width (DDSL002), an even frequency
/// count (DDSL012), and DDSL062 for what a prior cannot take: no text, text by cross-attention, a DiT's parts, labels,
/// a low-resolution image. <see cref="CheckModel"/> refuses the model attributes a prior's embeddings cannot go through.
/// </summary>
internal static class PriorParser
{
    // Upper bounds keep every derived count (S W, W 3W, W MlpHidden) inside int and the generated code compiling.
    private const int MaxDim = 65536;
    private const int MaxDepth = 1000;
    private const int MaxHeads = 4096;
    private const double MaxMlpRatio = 64;

    /// <summary>The parts of other declarations that mean nothing on a prior, with what to tell the user.</summary>
    private static readonly (string Attribute, string Why)[] Foreign =
    {
        (AttributeNames.Patchify, "[Patchify] is a part of a [DiffusionTransformer], and an embedding has no patches"),
        (AttributeNames.AdaLnZeroBlocks, "[AdaLnZeroBlocks] is a part of a [DiffusionTransformer]; its blocks are Width, Depth and Heads"),
        (AttributeNames.DiTPreset, "[DiTPreset] is a part of a [DiffusionTransformer]; its blocks are Width, Depth and Heads"),
        (AttributeNames.LabelEmbedding, "it is conditioned on text, whose null embedding serves classifier-free guidance, not on labels"),
        (AttributeNames.LowResolutionConditioning, "it generates embeddings, not a super-resolution stage's images"),
    };

    public static DeclarationResult<PriorSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.DiffusionPrior);
        if (declarations.Count != 1) return DeclarationResult<PriorSpec>.Nothing;
        var prior = new AttributeView(declarations[0], cancellationToken);
        bool broken = prior.HasErrors;
        var timestep = DeclarationChecks.Optional(symbol, AttributeNames.TimestepEmbedding, cancellationToken, ref broken);
        var text = DeclarationChecks.Optional(symbol, AttributeNames.TextConditioning, cancellationToken, ref broken);
        var foreign = new List<(AttributeView View, string Name, string Why)>();
        foreach (var (attribute, why) in Foreign)
        {
            if (DeclarationChecks.Optional(symbol, attribute, cancellationToken, ref broken) is { } view) foreign.Add((view, AttributeNames.Short(attribute), why));
        }
        if (broken) return DeclarationResult<PriorSpec>.Nothing; // the compiler reports what is wrong with the attributes

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.DiffusionPrior, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, prior, diagnostics, cancellationToken);

        int embeddingDim = prior.Int("EmbeddingDim", 0);
        int width = prior.Int("Width", 0);
        int depth = prior.Int("Depth", 0);
        int heads = prior.Int("Heads", 0);
        double mlpRatio = prior.Double("MlpRatio", 4.0);
        DeclarationChecks.InRange(diagnostics, prior.NamedLocation("EmbeddingDim") ?? prior.Location, "EmbeddingDim", embeddingDim, MaxDim,
            "the width of the image embedding the prior generates, such as 384");
        bool widthValid = DeclarationChecks.InRange(diagnostics, prior.NamedLocation("Width") ?? prior.Location, "Width", width, MaxDim,
            "the transformer's width, such as 256");
        DeclarationChecks.InRange(diagnostics, prior.NamedLocation("Depth") ?? prior.Location, "Depth", depth, MaxDepth,
            "the number of transformer blocks, such as 4");
        var headsLocation = prior.NamedLocation("Heads") ?? prior.Location;
        bool headsValid = DeclarationChecks.InRange(diagnostics, headsLocation, "Heads", heads, MaxHeads, "the attention heads, such as 4");
        if (widthValid && headsValid && width % heads != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthNotDivisibleByHeads, headsLocation, width, heads, TransformerParser.NearestDivisor(width, heads))
                .FixBySetting("Heads", toArgument: 2));
        }
        if (!(mlpRatio > 0 && mlpRatio <= MaxMlpRatio) || widthValid && (int)(width * mlpRatio) < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, prior.NamedLocation("MlpRatio"), "MlpRatio", mlpRatio,
                "a positive ratio up to 64 that leaves the MLP at least one unit (4 is usual)")
                .WithFix(Fix.Set("MlpRatio", 4)));
        }

        int frequencyDim = DeclarationChecks.TimestepFrequencies(timestep, diagnostics);

        foreach (var (view, name, why) in foreign)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PriorUnsupported, view.Location, symbol.Name, why,
                "remove [" + name + "]"));
        }

        // The text (Ramesh et al. 2022, Sec. 2.1): tokens of the sequence, never cross-attention.
        TextConditioningSpec? textSpec = null;
        if (text is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PriorUnsupported, prior.TargetIdentifierLocation, symbol.Name,
                "it generates an image embedding from a text embedding, so it needs [TextConditioning]",
                "add [TextConditioning(PooledDim = ..., TokenDim = ..., DropRate = 0.1)]"));
        }
        else
        {
            if (text.Bool("CrossAttention", false))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PriorUnsupported, text.NamedLocation("CrossAttention"), symbol.Name,
                    "its text enters the token sequence (Ramesh et al. 2022, Sec. 2.1), not cross-attention",
                    "remove CrossAttention = true (TextTokens on [DiffusionPrior] decides whether the token states are in the sequence)"));
            }
            textSpec = TextConditioningParser.Parse(symbol.Name, text, null, null, diagnostics);
        }

        var spec = conflict || textSpec is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new PriorSpec(DeclarationChecks.NameOf(symbol), embeddingDim, width, depth, heads, mlpRatio, frequencyDim,
                prior.Bool("TextTokens", true), prior.Bool("LearnSigma", false), textSpec, ShadowedNames.Of(symbol, PriorAliases.All));
        return new DeclarationResult<PriorSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary>
    /// DDSL062 on a [DiffusionModel] of a prior for [LatentDiffusion] and [SuperResolution], which need images; true when
    /// it reported one (the model's other checks of those attributes then stay quiet).
    /// </summary>
    public static bool CheckModel(NetworkSpec network, AttributeView? latentDiffusion, AttributeView? superResolution,
        List<DiagnosticInfo> diagnostics)
    {
        if (network is not PriorSpec) return false;
        bool reported = false;
        foreach (var (view, what) in new[] { (latentDiffusion, "LatentDiffusion"), (superResolution, "SuperResolution") })
        {
            if (view is null) continue;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PriorUnsupported, view.Location, network.Type.Name,
                "its samples are image embeddings of (" + Emitting.CodeWriter.Int(network.InChannels) + ", 1, 1), not the images [" + what + "] needs",
                "remove [" + what + "]; a decoder conditioned on the embedding generates the images"));
            reported = true;
        }
        return reported;
    }
}
