using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Emitting;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [Cascade(typeof(Base), typeof(Sr1), ...)] to a <see cref="CascadeSpec"/> (Ho et al. 2021, Sec. 3): every stage a
/// [DiffusionModel], the first without [SuperResolution] and the others with it (DDSL060), and each super-resolution
/// stage conditioned on what the stage before it generates: its FromSize that stage's size, the same channels and
/// the same classes, since one request's labels go to every stage (DDSL059); after a base conditioned on text, no
/// labels at all (DDSL059: the upsamplers see the image alone). A stage's own errors are reported by its declaration, and
/// a cascade naming one gets no code.
/// </summary>
internal static class CascadeParser
{
    public static DeclarationResult<CascadeSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.Cascade);
        if (declarations.Count != 1) return DeclarationResult<CascadeSpec>.Nothing;
        var cascade = new AttributeView(declarations[0], cancellationToken);
        if (cascade.HasErrors) return DeclarationResult<CascadeSpec>.Nothing; // the compiler reports what is wrong with the attribute

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.Cascade, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, cascade, diagnostics, cancellationToken);
        bool dependencyFailed = false;

        var types = new List<INamedTypeSymbol?>();
        if (cascade.ConstructorArgument(0) is { Kind: TypedConstantKind.Array } array)
        {
            foreach (var value in array.Values) types.Add(value.Value as INamedTypeSymbol);
        }
        if (types.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStageInvalid, cascade.Location,
                "'" + symbol.Name + "' names no stage"));
        }

        var stages = new List<(CascadeStage Stage, int Classes)>();
        for (int k = 0; k < types.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var type = types[k];
            var location = cascade.ConstructorLocation(k, "stages");
            if (type is { TypeKind: TypeKind.Error })
            {
                dependencyFailed = true; // CS0246: the compiler names the missing type
                continue;
            }
            if (type is null || !DeclarationChecks.Has(type, AttributeNames.DiffusionModel))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStageInvalid, location,
                    "'" + (type?.ToDisplayString() ?? "null") + "' is not a [DiffusionModel] class"));
                continue;
            }
            bool upsampling = DeclarationChecks.Has(type, AttributeNames.SuperResolution);
            if (k == 0 && upsampling)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStageInvalid, location,
                    "the first stage '" + type.Name + "' is a [SuperResolution] stage, with no stage below it to condition on"));
                continue;
            }
            if (k > 0 && !upsampling)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStageInvalid, location,
                    "stage " + CodeWriter.Int(k) + " '" + type.Name + "' has no [SuperResolution], so it cannot be conditioned on stage "
                        + CodeWriter.Int(k - 1) + "'s images"));
                continue;
            }
            var model = ModelParser.Parse(type, cancellationToken).Spec;
            if (model is null)
            {
                dependencyFailed = true; // reported by the stage's own declaration
                continue;
            }
            if (model.Network is PriorSpec)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PriorUnsupported, location, model.Network.Type.Name,
                    "'" + type.Name + "' samples image embeddings, not the images a cascade's stages pass on",
                    "remove '" + type.Name + "' from the cascade; a decoder conditioned on the embedding generates the images"));
                continue;
            }
            var stage = Stage(model);
            if (k > 0 && stages.Count == k)
            {
                var (below, belowClasses) = stages[k - 1];
                if (stage.FromSize != below.Size || stage.Channels != below.Channels)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStagesDoNotChain, location,
                        k, type.Name, "is conditioned on " + Shape(stage.FromSize, stage.Channels) + " images",
                        k - 1, below.Type.Name, "generates " + Shape(below.Size, below.Channels),
                        "set FromSize = " + CodeWriter.Int(below.Size) + " on '" + type.Name + "' with the channels of '" + below.Type.Name
                            + "', or put the stage that generates " + Shape(stage.FromSize, stage.Channels) + " images before it"));
                }
                else if (stages[0].Stage.Text && model.Network.Classes != 0)
                {
                    // unCLIP's upsamplers see the image below alone (Ramesh et al. 2022, Sec. 2.1): no labels reach them.
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStagesDoNotChain, location,
                        k, type.Name, Labels(model.Network.Classes), 0, stages[0].Stage.Type.Name, "is conditioned on text",
                        "a cascade from text conditions its upsamplers on the image below alone: remove [LabelEmbedding] from '"
                            + model.Network.Type.Name + "'"));
                }
                else if (model.Network.Classes != belowClasses)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CascadeStagesDoNotChain, location,
                        k, type.Name, Labels(model.Network.Classes), k - 1, below.Type.Name, Labels(belowClasses),
                        "one request's labels go to every stage, so every stage needs the same [LabelEmbedding] classes"));
                }
            }
            stages.Add((stage, model.Network.Classes));
        }

        var stageTypes = new List<TypeName>();
        foreach (var (stage, _) in stages) stageTypes.Add(stage.Type);
        var spec = conflict || dependencyFailed || stages.Count != types.Count || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new CascadeSpec(DeclarationChecks.NameOf(symbol), new EquatableArray<CascadeStage>(stages.ConvertAll(s => s.Stage)),
                ShadowedNames.Of(symbol, CascadeAliases.Any, stageTypes.ToArray()));
        return new DeclarationResult<CascadeSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary>What the cascade needs of a parsed stage: the images it generates and what it is conditioned on.</summary>
    private static CascadeStage Stage(ModelSpec model)
    {
        int size = model.Latent?.ImageSize ?? model.Network.InputSize;
        int channels = model.Latent?.ImageChannels ?? model.Network.InChannels;
        var summary = model.SuperResolution is { } sr
            ? Shape(sr.FromSize, channels) + " -> " + Shape(size, channels) + ", " + SuperResolutionEmitter.AugmentationSummary(sr)
            : Shape(size, channels) + (model.Network.IsClassConditional ? ", " + CodeWriter.Int(model.Network.Classes) + " classes"
                : model.Network.Text is not null ? ", conditioned on text" : "");
        return new CascadeStage(model.Type, size, channels, model.SuperResolution?.FromSize ?? 0, summary, model.Network.Text is not null);
    }

    private static string Shape(int size, int channels) =>
        CodeWriter.Int(size) + " x " + CodeWriter.Int(size) + " x " + CodeWriter.Int(channels);

    private static string Labels(int classes) =>
        classes == 0 ? "is unconditional" : "takes labels of " + CodeWriter.Int(classes) + " classes";
}
