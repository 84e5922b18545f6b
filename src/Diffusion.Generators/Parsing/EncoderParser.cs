using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>[UNetEncoder] to an <see cref="EncoderSpec"/>.</summary>
internal static class EncoderParser
{
    private const int MaxOutputs = 1 << 24;

    public static DeclarationResult<EncoderSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.UNetEncoder);
        if (declarations.Count != 1) return DeclarationResult<EncoderSpec>.Nothing;
        var network = new AttributeView(declarations[0], cancellationToken);
        if (network.HasErrors) return DeclarationResult<EncoderSpec>.Nothing;

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.UNetEncoder, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, network, diagnostics, cancellationToken);
        DeclarationChecks.CheckNoTransformerParts(symbol, AttributeNames.UNetEncoder, diagnostics, cancellationToken);
        TextConditioningParser.RefuseOn(symbol, "noisy classifier's encoder", diagnostics, cancellationToken);
        if (DeclarationChecks.Has(symbol, AttributeNames.LabelEmbedding))
        {
            var label = new AttributeView(DeclarationChecks.Find(symbol, AttributeNames.LabelEmbedding)[0], cancellationToken);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, label.Location, "[LabelEmbedding]", "[UNetEncoder] on '" + symbol.Name + "'",
                "an encoder classifies x_t and takes no label; remove [LabelEmbedding] and set Outputs to the number of classes"));
        }
        var shape = UNetShapeParser.Parse(network, diagnostics);
        int outputs = network.Int("Outputs", 0);
        if (outputs < 1 || outputs > MaxOutputs)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, network.NamedLocation("Outputs"), "Outputs", outputs, "1.." + MaxOutputs + ", the logits of the head (the number of classes), such as 10"));
        }

        var spec = conflict || shape is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new EncoderSpec(DeclarationChecks.NameOf(symbol), shape, outputs, UNetShapeParser.ShadowedAliases(symbol));
        return new DeclarationResult<EncoderSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
