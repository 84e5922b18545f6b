using System;
using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>[DiffusionTransformer] and the part attributes beside it to a <see cref="TransformerSpec"/>.</summary>
internal static class TransformerParser
{
    // Upper bounds keep every derived constant (3 D, 6 D, T D, p p C, ...) inside int and the generated code compiling.
    private const int MaxInputSize = 4096;
    private const int MaxChannels = 1024;
    private const int MaxWidth = 65536;
    private const int MaxDepth = 1000;
    private const int MaxHeads = 4096;
    private const double MaxMlpRatio = 64;

    /// <summary>Peebles and Xie 2023, Table 1: (depth, width, heads) of DiT-S, -B, -L, -XL.</summary>
    private static readonly (string Name, int Depth, int Width, int Heads)[] Presets =
    {
        ("S", 12, 384, 6),
        ("B", 12, 768, 12),
        ("L", 24, 1024, 16),
        ("XL", 28, 1152, 16),
    };

    public static DeclarationResult<TransformerSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.DiffusionTransformer);
        if (declarations.Count != 1) return DeclarationResult<TransformerSpec>.Nothing;
        var network = new AttributeView(declarations[0], cancellationToken);
        bool broken = network.HasErrors;
        var patchify = DeclarationChecks.Optional(symbol, AttributeNames.Patchify, cancellationToken, ref broken);
        var timestep = DeclarationChecks.Optional(symbol, AttributeNames.TimestepEmbedding, cancellationToken, ref broken);
        var label = DeclarationChecks.Optional(symbol, AttributeNames.LabelEmbedding, cancellationToken, ref broken);
        var blocks = DeclarationChecks.Optional(symbol, AttributeNames.AdaLnZeroBlocks, cancellationToken, ref broken);
        var preset = DeclarationChecks.Optional(symbol, AttributeNames.DiTPreset, cancellationToken, ref broken);
        var lowResolution = DeclarationChecks.Optional(symbol, AttributeNames.LowResolutionConditioning, cancellationToken, ref broken);
        var text = DeclarationChecks.Optional(symbol, AttributeNames.TextConditioning, cancellationToken, ref broken);
        if (broken) return DeclarationResult<TransformerSpec>.Nothing; // the compiler reports what is wrong with the attributes

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.DiffusionTransformer, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, network, diagnostics, cancellationToken);
        var classLocation = network.TargetIdentifierLocation;

        int inputSize = network.Int("InputSize", 0);
        bool inputValid = DeclarationChecks.InRange(diagnostics, network.NamedLocation("InputSize"), "InputSize", inputSize, MaxInputSize, "the input height and width in pixels or latent cells, such as 28 or 32");
        int inChannels = network.Int("InChannels", 0);
        DeclarationChecks.InRange(diagnostics, network.NamedLocation("InChannels"), "InChannels", inChannels, MaxChannels, "the input channels, such as 1, 3 or 4");

        int patchSize = 0, width = 0, depth = 0, heads = 0;
        double mlpRatio = 4.0;
        LocationInfo? patchLocation = null, widthLocation = null, headsLocation = null;
        string? presetName = null;
        if (preset is not null)
        {
            if (patchify is not null) diagnostics.Add(PresetConflict(patchify, "[Patchify]"));
            if (blocks is not null) diagnostics.Add(PresetConflict(blocks, "[AdaLnZeroBlocks]"));
            int size = preset.ConstructorInt(0, -1);
            patchSize = preset.Int("PatchSize", 2);
            patchLocation = preset.NamedLocation("PatchSize");
            widthLocation = headsLocation = preset.Location;
            if (size < 0 || size >= Presets.Length)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, preset.ConstructorLocation(0, "size"), "Size", size, "DiTSize.S, B, L or XL"));
            }
            else
            {
                (presetName, depth, width, heads) = Presets[size];
                presetName = "DiT-" + presetName + "/" + patchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            DeclarationChecks.InRange(diagnostics, patchLocation, "PatchSize", patchSize, MaxInputSize, "the side of a patch, such as 2, 4 or 8");
        }
        else
        {
            if (patchify is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingPart, classLocation, symbol.Name, "Patchify"));
            }
            else
            {
                patchSize = patchify.Int("PatchSize", 0);
                width = patchify.Int("Width", 0);
                patchLocation = patchify.NamedLocation("PatchSize");
                widthLocation = patchify.NamedLocation("Width");
                DeclarationChecks.InRange(diagnostics, patchLocation, "PatchSize", patchSize, MaxInputSize, "the side of a patch, such as 2, 4 or 8");
                DeclarationChecks.InRange(diagnostics, widthLocation, "Width", width, MaxWidth, "the hidden width of every token, such as 384");
            }

            if (blocks is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingPart, classLocation, symbol.Name, "AdaLnZeroBlocks"));
            }
            else
            {
                depth = blocks.Int("Depth", 0);
                heads = blocks.Int("Heads", 0);
                mlpRatio = blocks.Double("MlpRatio", 4.0);
                headsLocation = blocks.NamedLocation("Heads");
                DeclarationChecks.InRange(diagnostics, blocks.NamedLocation("Depth"), "Depth", depth, MaxDepth, "the number of blocks, such as 12");
                DeclarationChecks.InRange(diagnostics, headsLocation, "Heads", heads, MaxHeads, "the attention heads, such as 6");
                if (!(mlpRatio > 0 && mlpRatio <= MaxMlpRatio) || (int)(width * mlpRatio) < 1 && width > 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, blocks.NamedLocation("MlpRatio"), "MlpRatio", mlpRatio, "a positive ratio up to 64 that leaves the MLP at least one unit (4 is usual)")
                        .WithFix(Fix.Set("MlpRatio", 4)));
                }
            }
        }

        if (inputValid && patchSize >= 1 && patchSize <= MaxInputSize && inputSize % patchSize != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PatchSizeDoesNotDivideInput, patchLocation, patchSize, inputSize, NearestDivisor(inputSize, patchSize))
                .FixBySetting("PatchSize", toArgument: 2));
        }

        if (width >= 1 && width <= MaxWidth)
        {
            if (width % 4 != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthNotDivisibleByFour, widthLocation, width, width + 4 - width % 4)
                    .FixBySetting("Width", toArgument: 1));
            }
            if (heads >= 1 && heads <= MaxHeads && width % heads != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthNotDivisibleByHeads, headsLocation, width, heads, NearestDivisor(width, heads))
                    .FixBySetting("Heads", toArgument: 2));
            }
        }

        if (inputValid && patchSize >= 1 && width >= 1 && inChannels >= 1 && inputSize % patchSize == 0)
        {
            long tokens = (long)(inputSize / patchSize) * (inputSize / patchSize);
            if (tokens * width > int.MaxValue || (long)patchSize * patchSize * inChannels > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, network.NamedLocation("InputSize"), "InputSize", inputSize, "a size whose position table ((InputSize / p)^2 x Width) and patch output (p^2 x InChannels) each fit in 2^31 - 1 values"));
            }
        }

        int frequencyDim = DeclarationChecks.TimestepFrequencies(timestep, diagnostics);

        var (classes, dropRate) = DeclarationChecks.LabelEmbedding(label, diagnostics);

        // A super-resolution stage's network: the low-resolution image's channels (Ho et al. 2021, Sec. 3).
        int conditioningChannels = 0;
        if (lowResolution is not null)
        {
            conditioningChannels = lowResolution.Int("Channels", 0);
            DeclarationChecks.InRange(diagnostics, lowResolution.NamedLocation("Channels"), "Channels", conditioningChannels, MaxChannels,
                "the low-resolution image's channels, the same as InChannels (such as 1 or 3)");
        }

        // Text conditioning (Saharia et al. 2022, Sec. 2): it replaces the label embedding.
        var textSpec = TextConditioningParser.Parse(symbol.Name, text, label, lowResolution, diagnostics);

        var spec = conflict || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new TransformerSpec(DeclarationChecks.NameOf(symbol), inputSize, inChannels, patchSize, width, depth, heads, mlpRatio, frequencyDim, classes, dropRate, presetName,
                network.Bool("LearnSigma", false), ShadowedNames.Of(symbol, DiTAliases.WithText), conditioningChannels, textSpec);
        return new DeclarationResult<TransformerSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static DiagnosticInfo PresetConflict(AttributeView part, string name) => DiagnosticInfo.Create(
        DiagnosticDescriptors.ConflictingDeclarations,
        part.Location,
        name,
        "[DiTPreset]",
        "the preset sets the patch embedding and the blocks; remove " + name + " or [DiTPreset]");

    /// <summary>The divisor of <paramref name="n"/> closest to <paramref name="wanted"/> (the smaller on ties).</summary>
    internal static int NearestDivisor(int n, int wanted)
    {
        int best = 1;
        for (int d = 1; d <= n; d++)
        {
            if (n % d == 0 && Math.Abs(d - wanted) < Math.Abs(best - wanted)) best = d;
            if (d > wanted && n % d == 0) break;
        }
        return best;
    }
}
