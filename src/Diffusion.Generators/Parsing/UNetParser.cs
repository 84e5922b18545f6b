using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [UNet] with the [LabelEmbedding] or [TextConditioning] beside it to a <see cref="UNetSpec"/>. A U-Net adds the pooled
/// text embedding to the timestep embedding (Imagen) and, with CrossAttention, follows every attention block with
/// cross-attention over the token states (latent diffusion's SpatialTransformer).
/// </summary>
internal static class UNetParser
{
    public static DeclarationResult<UNetSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.UNet);
        if (declarations.Count != 1) return DeclarationResult<UNetSpec>.Nothing;
        var network = new AttributeView(declarations[0], cancellationToken);
        bool broken = network.HasErrors;
        var label = DeclarationChecks.Optional(symbol, AttributeNames.LabelEmbedding, cancellationToken, ref broken);
        var text = DeclarationChecks.Optional(symbol, AttributeNames.TextConditioning, cancellationToken, ref broken);
        if (broken) return DeclarationResult<UNetSpec>.Nothing; // the compiler reports what is wrong with the attributes

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.UNet, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, network, diagnostics, cancellationToken);
        DeclarationChecks.CheckNoTransformerParts(symbol, AttributeNames.UNet, diagnostics, cancellationToken);
        var shape = UNetShapeParser.Parse(network, diagnostics);
        var textSpec = TextConditioningParser.Parse(symbol.Name, text, label, null, diagnostics);

        var (classes, dropRate) = DeclarationChecks.LabelEmbedding(label, diagnostics);

        var spec = conflict || shape is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new UNetSpec(DeclarationChecks.NameOf(symbol), shape, classes, dropRate, network.Bool("LearnSigma", false),
                UNetShapeParser.ShadowedAliases(symbol), textSpec);
        return new DeclarationResult<UNetSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
