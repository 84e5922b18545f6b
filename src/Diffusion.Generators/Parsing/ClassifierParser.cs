using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [NoisyClassifier(typeof(S), typeof(E))] to a <see cref="ClassifierSpec"/>. As with [DiffusionModel], the schedule
/// and encoder report their own errors, and a classifier whose schedule or encoder has errors gets no code.
/// </summary>
internal static class ClassifierParser
{
    public static DeclarationResult<ClassifierSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.NoisyClassifier);
        if (declarations.Count != 1) return DeclarationResult<ClassifierSpec>.Nothing;
        var view = new AttributeView(declarations[0], cancellationToken);
        if (view.HasErrors) return DeclarationResult<ClassifierSpec>.Nothing;

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.NoisyClassifier, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, view, diagnostics, cancellationToken);
        bool dependencyFailed = false;

        var schedule = DeclarationChecks.ReferencedSchedule(view, diagnostics, cancellationToken, ref dependencyFailed);

        EncoderSpec? network = null;
        var networkType = view.ConstructorArgument(1)?.Value as INamedTypeSymbol;
        if (networkType is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true;
        }
        else if (networkType is null || !DeclarationChecks.Has(networkType, AttributeNames.UNetEncoder))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTypeInvalid, view.ConstructorLocation(1, "network"), networkType?.ToDisplayString() ?? "null",
                "a [UNetEncoder]", "[UNetEncoder(InputSize = ..., InChannels = ..., Outputs = ...)]"));
        }
        else
        {
            network = EncoderParser.Parse(networkType, cancellationToken).Spec;
            dependencyFailed |= network is null;
        }

        var spec = conflict || dependencyFailed || schedule is null || network is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new ClassifierSpec(DeclarationChecks.NameOf(symbol), schedule, network,
                ShadowedNames.Of(symbol, ClassifierAliases.All, network.Type, schedule.Type));
        return new DeclarationResult<ClassifierSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
