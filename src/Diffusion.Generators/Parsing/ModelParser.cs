using Diffusion.Dsl;
using System.Collections.Generic;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Emitting.Samplers;
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
        var distillation = DeclarationChecks.Optional(symbol, AttributeNames.ProgressiveDistillation, cancellationToken, ref broken);
        var latentDiffusion = DeclarationChecks.Optional(symbol, AttributeNames.LatentDiffusion, cancellationToken, ref broken);
        var superResolution = DeclarationChecks.Optional(symbol, AttributeNames.SuperResolution, cancellationToken, ref broken);
        var samplerViews = new List<AttributeView>();
        foreach (var sampler in DeclarationChecks.Find(symbol, AttributeNames.Sampler))
        {
            var view = new AttributeView(sampler, cancellationToken);
            broken |= view.HasErrors;
            samplerViews.Add(view);
        }
        var diagnostics = new List<DiagnosticInfo>();
        var consistency = ConsistencyParser.Parse(symbol, model, samplerViews, diagnostics, cancellationToken, ref broken);
        if (broken) return DeclarationResult<ModelSpec>.Nothing; // the compiler reports what is wrong with the attributes

        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.DiffusionModel, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, model, diagnostics, cancellationToken);
        bool dependencyFailed = false;

        // The schedule: typeof a [NoiseSchedule] class.
        var schedule = DeclarationChecks.ReferencedSchedule(model, diagnostics, cancellationToken, ref dependencyFailed);

        // The network: typeof a class of one of the network kinds.
        NetworkSpec? network = null;
        var networkType = model.ConstructorArgument(1)?.Value as INamedTypeSymbol;
        if (networkType is { TypeKind: TypeKind.Error })
        {
            dependencyFailed = true;
        }
        else if (networkType is not null && NetworkKinds.Declaring(networkType) is { } kind)
        {
            network = kind.ParseReferenced(networkType, cancellationToken);
            dependencyFailed |= network is null;
        }
        else
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTypeInvalid, model.ConstructorLocation(1, "network"), networkType?.ToDisplayString() ?? "null",
                NetworkKinds.DeclaredList, NetworkKinds.UsageList));
        }

        int predicts = model.Int("Predicts", (int)Prediction.Noise);
        if (predicts is < (int)Prediction.Noise or > (int)Prediction.Mean)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("Predicts"), "Predicts", predicts, "Prediction.Noise, CleanSample, Velocity, Score or Mean"));
        }
        int variance = model.Int("Variance", (int)ReverseVariance.FixedSmall);
        if (variance is < (int)ReverseVariance.FixedSmall or > (int)ReverseVariance.Learned)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("Variance"), "Variance", variance, "ReverseVariance.FixedSmall, FixedLarge or Learned"));
        }
        int objective = model.Int("Objective", (int)Objective.Simple);
        if (objective is < (int)Objective.Simple or > (int)Objective.VariationalBound)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("Objective"), "Objective", objective, "Objective.Simple, Hybrid or VariationalBound"));
        }
        int weighting = model.Int("Weighting", (int)LossWeighting.Noise);
        if (weighting is < (int)LossWeighting.Noise or > (int)LossWeighting.MinSnr)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("Weighting"), "Weighting", weighting, "LossWeighting.Noise, CleanSample, Velocity, TruncatedSnr or MinSnr"));
        }
        double gamma = model.Double("MinSnrGamma", 5.0);
        if (!(gamma > 0 && gamma <= 1e6))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, model.NamedLocation("MinSnrGamma"), "MinSnrGamma", gamma, "a finite gamma > 0 (5 is usual)")
                .WithFix(Fix.Set("MinSnrGamma", 5)));
        }
        else if (model.Has("MinSnrGamma") && weighting != (int)LossWeighting.MinSnr)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, model.NamedLocation("MinSnrGamma"), "MinSnrGamma", "Weighting = LossWeighting." + (LossWeighting)weighting, "set Weighting = LossWeighting.MinSnr or remove MinSnrGamma")
                .WithFix(Fix.Set("Weighting", Fix.Member(LossWeighting.MinSnr))));
        }
        if (objective == (int)Objective.VariationalBound && model.Has("Weighting"))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, model.NamedLocation("Weighting"), "Weighting", "Objective = Objective.VariationalBound", "the variational bound has no squared error to weight; remove Weighting or use Objective.Simple or Objective.Hybrid"));
        }
        CheckObjective(model, (ReverseVariance)variance, (Objective)objective, diagnostics);
        CheckWeighting(model, (Prediction)predicts, (LossWeighting)weighting, (Objective)objective, diagnostics);
        if (network is not null) CheckVarianceOutput(model, network, (ReverseVariance)variance, FixTargets.Declaration(networkType, cancellationToken), diagnostics);
        if (schedule is { ZeroTerminalSnr: true } && predicts is (int)Prediction.Noise or (int)Prediction.Score)
        {
            var formula = predicts == (int)Prediction.Noise ? "(x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)" : "(x_t + (1 - abar_t) score) / sqrt(abar_t)";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PredictionUndefinedAtZeroTerminalSnr, FirstNamed(model, "Predicts") ?? model.Location, (Prediction)predicts, schedule.Type.Name, formula)
                .WithFix(Fix.Set("Predicts", Fix.Member(Prediction.Velocity))));
        }

        // Samplers: each kind once, at least one.
        var samplers = new List<SamplerKind>();
        foreach (var view in samplerViews)
        {
            int kind = view.ConstructorInt(0, -1);
            var location = view.ConstructorLocation(0, "kind");
            if (!SamplerTable.All.ContainsKey((SamplerKind)kind))
            {
                // Also a SamplerKind member without a row in the table: a diagnostic, not a KeyNotFoundException.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, "Kind", kind, SamplerTable.Expected));
            }
            else if (samplers.Contains((SamplerKind)kind))
            {
                var name = "[Sampler(SamplerKind." + (SamplerKind)kind + ")]";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, location, name, "an earlier " + name, "declare each sampler once"));
            }
            else
            {
                samplers.Add((SamplerKind)kind);
            }
        }
        if (samplerViews.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoSampler, model.TargetIdentifierLocation, symbol.Name)
                .WithFix(Fix.Add("Sampler(" + Fix.Member(SamplerKind.Ddim) + ")")));
        }
        samplers.Sort();

        // Classifier-free guidance: needs a label embedding whose null label is trained.
        double? guidanceScale = null;
        if (guidance is not null)
        {
            double scale = guidance.Double("Scale", 4.0);
            if (!(scale >= 0 && scale <= 1e6))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, guidance.NamedLocation("Scale"), "Scale", scale, "a finite guidance weight w >= 0 (1 = conditional only; 4 is usual)")
                    .WithFix(Fix.Set("Scale", 4)));
            }
            guidanceScale = scale;
            if (network is not null && !network.IsClassConditional && network.Text is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GuidanceWithoutLabels, guidance.Location, network.Type.Name)
                    .WithFix(Fix.Remove("ClassifierFreeGuidance"))
                    .WithFix(FixTargets.Declaration(networkType, cancellationToken), Fix.Add("LabelEmbedding(Classes = 10)")));
            }
            else if (network is not null && network.Text is null && network.LabelDropRate == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GuidanceWithZeroDropRate, guidance.Location, network.Type.Name)
                    .WithFix(FixTargets.Argument(networkType, AttributeNames.LabelEmbedding, "DropRate", cancellationToken), Fix.Set("DropRate", "0.1")));
            }
        }

        // Progressive distillation: the student's teacher and the guidance it runs at (DistillationParser).
        var distilled = distillation is null ? null : DistillationParser.Parse(distillation,
            new DistillationParser.Student(symbol, model, (Prediction)predicts, samplers, network?.IsClassConditional),
            diagnostics, cancellationToken, ref dependencyFailed);

        // A diffusion prior's samples are embeddings: it refuses latents and super-resolution itself (DDSL062).
        bool priorRefused = network is not null && PriorParser.CheckModel(network, latentDiffusion, superResolution, diagnostics);

        // Latent diffusion: the frozen autoencoder whose latent the network must take (LatentDiffusionParser).
        var latent = latentDiffusion is null || priorRefused ? null
            : LatentDiffusionParser.Parse(latentDiffusion, model, network, diagnostics, cancellationToken, ref dependencyFailed);

        // A cascade's super-resolution stage: the low-resolution input its network must take (SuperResolutionParser).
        var upsampling = priorRefused ? null : SuperResolutionParser.Parse(superResolution, model, network, schedule, diagnostics);
        // Progressive distillation's first target is the teacher's DDIM step from T - 1, where a noise-predicting
        // teacher's x0_hat multiplies its error by 1 / sqrt(abar) (2e4 on the cosine schedule); pixels clip it, latents
        // cannot (measured: round losses of 1e5 against 1.5 for pixels). Consistency distillation has no such step.
        if (latentDiffusion is not null && distillation is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, distillation.Location,
                "[ProgressiveDistillation]", "[LatentDiffusion]",
                "its targets start with an unclipped teacher step from T - 1, ill-conditioned on latents; distill a latent model into a [ConsistencyModel] student instead"));
        }
        if (superResolution is not null)
        {
            var other = latentDiffusion is not null ? "[LatentDiffusion]" : distillation is not null ? "[ProgressiveDistillation]"
                : consistency is not null ? "[ConsistencyModel]" : null;
            if (other is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingDeclarations, superResolution.Location,
                    "[SuperResolution]", other, "a super-resolution stage is a pixel-space model trained on its own; remove one of them"));
            }
        }
        // A text-conditioned network trains on pixels (Saharia et al. 2022's base model) or on latents (Rombach et al.
        // 2022, Sec. 3.3); few-step students of text models do not exist yet.
        if (network?.Text is not null && !priorRefused)
        {
            var other = distillation is not null ? "[ProgressiveDistillation]" : consistency is not null ? "[ConsistencyModel]" : null;
            if (other is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TextConditioningUnsupported, model.ConstructorLocation(1, "network"),
                    network.Type.Name, "a text-conditioned model with " + other + " is not supported yet", "remove " + other));
            }
        }
        var spec = conflict || dependencyFailed || schedule is null || network is null || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new ModelSpec(DeclarationChecks.NameOf(symbol), schedule, network, (Prediction)predicts, new EquatableArray<SamplerKind>(samplers), guidanceScale,
                (ReverseVariance)variance, (Objective)objective, (LossWeighting)weighting, gamma,
                ShadowedNames.Of(symbol, ModelAliases.All, DeclaredTypes(network, schedule, distilled, latent)), distilled, consistency, latent,
                upsampling);
        return new DeclarationResult<ModelSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary>The declared types the model's files name: the network, the schedule, a teacher, an autoencoder.</summary>
    private static TypeName[] DeclaredTypes(NetworkSpec network, ScheduleSpec schedule, DistillationSpec? distilled, LatentSpec? latent)
    {
        var types = new List<TypeName> { network.Type, schedule.Type };
        if (distilled is not null) types.Add(distilled.Teacher);
        if (latent is not null) types.Add(latent.Autoencoder);
        return types.ToArray();
    }

    /// <summary>DDSL016: L_simple cannot train a learned variance, and the hybrid term trains nothing when it is fixed.</summary>
    private static void CheckObjective(AttributeView model, ReverseVariance variance, Objective objective, List<DiagnosticInfo> diagnostics)
    {
        var location = FirstNamed(model, "Objective", "Variance") ?? model.Location;
        if (variance == ReverseVariance.Learned && objective == Objective.Simple)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObjectiveDoesNotFitVariance, location,
                "Variance = ReverseVariance.Learned with Objective.Simple: L_simple never sees the variance values, so they get no gradient",
                "set Objective = Objective.Hybrid (Nichol and Dhariwal 2021) or Objective.VariationalBound")
                .WithFix(Fix.Set("Objective", Fix.Member(Objective.Hybrid))));
        }
        else if (variance != ReverseVariance.Learned && objective == Objective.Hybrid)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObjectiveDoesNotFitVariance, location,
                "Objective.Hybrid with Variance = ReverseVariance." + variance + ": its L_vlb term stops the mean's gradient, so with a fixed variance it trains nothing",
                "use Objective.Simple, or Variance = ReverseVariance.Learned with LearnSigma = true on the network")
                .WithFix(Fix.Set("Objective", Fix.Member(Objective.Simple))));
        }
    }

    /// <summary>
    /// DDSL017: the loss multiplies the prediction's own squared error by lambda(t) / (its weight on the clean-sample
    /// error); rejected where that ratio is unbounded as SNR -> 0 (see Diffusion.Dsl.LossWeighting).
    /// </summary>
    private static void CheckWeighting(AttributeView model, Prediction predicts, LossWeighting weighting, Objective objective, List<DiagnosticInfo> diagnostics)
    {
        if (objective == Objective.VariationalBound) return;
        var ratio = LossWeights.UnboundedRatio(predicts, weighting);
        if (ratio is null) return;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightingUnboundedForPrediction, FirstNamed(model, "Weighting", "Predicts") ?? model.Location, weighting, "Prediction." + predicts, ratio)
            .WithFix(Fix.Set("Predicts", Fix.Member(Prediction.Velocity))));
    }

    /// <summary>DDSL015: Variance = Learned needs LearnSigma = true on the network, and LearnSigma needs Learned.</summary>
    private static void CheckVarianceOutput(AttributeView model, NetworkSpec network, ReverseVariance variance, LocationInfo? networkDeclaration, List<DiagnosticInfo> diagnostics)
    {
        var location = FirstNamed(model, "Variance") ?? model.ConstructorLocation(1, "network");
        if (variance == ReverseVariance.Learned && !network.LearnSigma)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VarianceOutputMismatch, location,
                "Variance = ReverseVariance.Learned but '" + network.Type.Name + "' outputs only the prediction (C channels)",
                "add LearnSigma = true to " + NetworkKinds.Of(network).Declared + " on '" + network.Type.Name + "' so it also outputs the variance values")
                .WithFix(networkDeclaration, Fix.Set("LearnSigma", "true")));
        }
        else if (variance != ReverseVariance.Learned && network.LearnSigma)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VarianceOutputMismatch, location,
                "'" + network.Type.Name + "' declares LearnSigma = true (2C output channels) but the variance is ReverseVariance." + variance,
                "set Variance = ReverseVariance.Learned and Objective = Objective.Hybrid, or remove LearnSigma"));
        }
    }

    /// <summary>The location of the first of <paramref name="names"/> given as a named argument, else null.</summary>
    private static LocationInfo? FirstNamed(AttributeView model, params string[] names)
    {
        foreach (var name in names)
        {
            if (model.Has(name)) return model.NamedLocation(name);
        }
        return null;
    }
}
