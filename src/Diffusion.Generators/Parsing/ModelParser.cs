using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [DiffusionModel(typeof(S), typeof(N))] with its [Sampler]s and [ClassifierFreeGuidance] to a <see cref="ModelSpec"/>.
/// The schedule and network classes are parsed from their own attributes; their errors are reported by their own
/// declarations, and a model whose schedule or network has errors gets no code.
/// </summary>
internal static class ModelParser
{
    public static DeclarationResult<ModelSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.DiffusionModel);
        if (declarations.Count != 1) return DeclarationResult<ModelSpec>.Nothing;
        var model = new AttributeView(declarations[0], cancellationToken);
        bool broken = model.HasErrors;
        var guidance = DeclarationChecks.Optional(symbol, AttributeNames.ClassifierFreeGuidance, cancellationToken, ref broken);
        var samplerViews = new List<AttributeView>();
        foreach (var sampler in DeclarationChecks.Find(symbol, AttributeNames.Sampler))
        {
            var view = new AttributeView(sampler, cancellationToken);
            broken |= view.HasErrors;
            samplerViews.Add(view);
        }
        if (broken) return DeclarationResult<ModelSpec>.Nothing; // the compiler reports what is wrong with the attributes

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.DiffusionModel, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, model, diagnostics, cancellationToken);
        bool dependencyFailed = false;

        // The schedule: typeof a [NoiseSchedule] class.
        ScheduleSpec? schedule = null;
        var scheduleType = model.ConstructorArgument(0)?.Value as INamedTypeSymbol;
        if (scheduleType is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true; // CS0246: the compiler names the missing type
        }
        else if (scheduleType is null || !DeclarationChecks.Has(scheduleType, AttributeNames.NoiseSchedule))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ScheduleTypeInvalid, model.ConstructorLocation(0, "schedule"), scheduleType?.ToDisplayString() ?? "null"));
        }
        else
        {
            schedule = ScheduleParser.Parse(scheduleType, cancellationToken).Spec;
            dependencyFailed |= schedule is null;
        }

        // The network: typeof a [DiffusionTransformer] class.
        NetworkSpec? network = null;
        var networkType = model.ConstructorArgument(1)?.Value as INamedTypeSymbol;
        if (networkType is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true;
        }
        else if (networkType is null || !DeclarationChecks.Has(networkType, AttributeNames.DiffusionTransformer))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTypeInvalid, model.ConstructorLocation(1, "network"), networkType?.ToDisplayString() ?? "null"));
        }
        else
        {
            network = NetworkParser.Parse(networkType, cancellationToken).Spec;
            dependencyFailed |= network is null;
        }

        int predicts = model.Int("Predicts", (int)PredictionValue.Noise);
        if (predicts != (int)PredictionValue.Noise)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("Predicts"), "Predicts", predicts, "Prediction.Noise"));
        }

        // Samplers: each kind once, at least one.
        var samplers = new List<SamplerKindValue>();
        foreach (var view in samplerViews)
        {
            int kind = view.ConstructorInt(0, -1);
            var location = view.ConstructorLocation(0, "kind");
            if (kind is not ((int)SamplerKindValue.Ddpm or (int)SamplerKindValue.Ddim))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, "Kind", kind, "SamplerKind.Ddpm or SamplerKind.Ddim"));
            }
            else if (samplers.Contains((SamplerKindValue)kind))
            {
                var name = "[Sampler(SamplerKind." + (SamplerKindValue)kind + ")]";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, location, name, "an earlier " + name, "declare each sampler once"));
            }
            else
            {
                samplers.Add((SamplerKindValue)kind);
            }
        }
        if (samplerViews.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoSampler, model.TargetIdentifierLocation, symbol.Name));
        }
        samplers.Sort();

        // Classifier-free guidance: needs a label embedding whose null label is trained.
        double? guidanceScale = null;
        if (guidance is not null)
        {
            double scale = guidance.Double("Scale", 4.0);
            if (!(scale >= 0 && scale <= 1e6))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, guidance.NamedLocation("Scale"), "Scale", scale, "a finite guidance weight w >= 0 (1 = conditional only; 4 is usual)"));
            }
            guidanceScale = scale;
            if (network is not null && !network.IsClassConditional)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GuidanceWithoutLabels, guidance.Location, network.Type.Name));
            }
            else if (network is not null && network.LabelDropRate == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GuidanceWithZeroDropRate, guidance.Location, network.Type.Name));
            }
        }

        var spec = conflict || dependencyFailed || schedule is null || network is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new ModelSpec(DeclarationChecks.NameOf(symbol), schedule, network, (PredictionValue)predicts, new EquatableArray<SamplerKindValue>(samplers), guidanceScale);
        return new DeclarationResult<ModelSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }
}
