using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>[UNet] with the [LabelEmbedding] beside it to a <see cref="UNetSpec"/>.</summary>
internal static class UNetParser
{
    public static DeclarationResult<UNetSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.UNet);
        if (declarations.Count != 1) return DeclarationResult<UNetSpec>.Nothing;
        var network = new AttributeView(declarations[0], cancellationToken);
        bool broken = network.HasErrors;
        var label = DeclarationChecks.Optional(symbol, AttributeNames.LabelEmbedding, cancellationToken, ref broken);
        if (broken) return DeclarationResult<UNetSpec>.Nothing; // the compiler reports what is wrong with the attributes

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.UNet, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, network, diagnostics, cancellationToken);
        DeclarationChecks.CheckNoTransformerParts(symbol, AttributeNames.UNet, diagnostics, cancellationToken);
        TextConditioningParser.RefuseOn(symbol, "U-Net", diagnostics, cancellationToken);
        var shape = UNetShapeParser.Parse(network, diagnostics);

        var (classes, dropRate) = DeclarationChecks.LabelEmbedding(label, diagnostics);

        var spec = conflict || shape is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new UNetSpec(DeclarationChecks.NameOf(symbol), shape, classes, dropRate, network.Bool("LearnSigma", false),
                UNetShapeParser.ShadowedAliases(symbol));
        return new DeclarationResult<UNetSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
