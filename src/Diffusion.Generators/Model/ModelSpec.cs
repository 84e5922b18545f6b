using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>A [DiffusionModel] declaration with the specs of the schedule and network it names.</summary>
/// <param name="Type">The diffusion model class.</param>
/// <param name="Schedule">The schedule it names (read from that class's attributes).</param>
/// <param name="Network">The network it names (read from that class's attributes).</param>
/// <param name="Predicts">What the network outputs.</param>
/// <param name="Samplers">The declared samplers, sorted by kind.</param>
/// <param name="GuidanceScale">The [ClassifierFreeGuidance] default scale, or null when guidance is not declared.</param>
/// <param name="Variance">The reverse-process variance.</param>
/// <param name="Objective">The training objective.</param>
/// <param name="Weighting">The weighting of the squared error.</param>
/// <param name="MinSnrGamma">gamma of min-SNR weighting.</param>
/// <param name="Shadowed">Names of <see cref="ModelAliases"/> taken in the declaration's namespace or class, written in
/// full by the generated files (sorted; usually empty).</param>
/// <param name="Distillation">The [ProgressiveDistillation] that makes this model a student, or null.</param>
/// <param name="Consistency">The [ConsistencyModel] declared on it, or null.</param>
/// <param name="Latent">The [LatentDiffusion] declared on it (its autoencoder), or null for a pixel-space model.</param>
/// <param name="SuperResolution">The [SuperResolution] that makes it a cascade's super-resolution stage, or null.</param>
internal sealed record ModelSpec(
    TypeName Type,
    ScheduleSpec Schedule,
    NetworkSpec Network,
    Prediction Predicts,
    EquatableArray<SamplerKind> Samplers,
    double? GuidanceScale,
    ReverseVariance Variance,
    Objective Objective,
    LossWeighting Weighting,
    double MinSnrGamma,
    EquatableArray<string> Shadowed = default,
    DistillationSpec? Distillation = null,
    ConsistencySpec? Consistency = null,
    LatentSpec? Latent = null,
    SuperResolutionSpec? SuperResolution = null)
{
    public bool HasGuidance => GuidanceScale is not null && Network.IsClassConditional;

    public bool LearnsVariance => Variance == ReverseVariance.Learned;
}
