using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>[UNet] with the [LabelEmbedding] beside it to a <see cref="UNetSpec"/>.</summary>
internal static class UNetParser
{
    private const int MaxClasses = 1 << 24;

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
        var shape = UNetShapeParser.Parse(network, diagnostics);

        int classes = 0;
        double dropRate = 0;
        if (label is not null)
        {
            classes = label.Int("Classes", 0);
            dropRate = label.Double("DropRate", 0.1);
            if (classes < 1 || classes > MaxClasses)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, label.NamedLocation("Classes"), "Classes", classes, "1.." + MaxClasses + ", the number of classes, such as 10"));
            }
            if (!(dropRate >= 0 && dropRate < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropRateOutOfRange, label.NamedLocation("DropRate"), dropRate));
            }
        }

        var spec = conflict || shape is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new UNetSpec(DeclarationChecks.NameOf(symbol), shape, classes, dropRate, network.Bool("LearnSigma", false));
        return new DeclarationResult<UNetSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
