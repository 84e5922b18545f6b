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
internal sealed record ModelSpec(
    TypeName Type,
    ScheduleSpec Schedule,
    NetworkSpec Network,
    PredictionValue Predicts,
    EquatableArray<SamplerKindValue> Samplers,
    double? GuidanceScale,
    VarianceValue Variance,
    ObjectiveValue Objective,
    WeightingValue Weighting,
    double MinSnrGamma)
{
    public bool HasGuidance => GuidanceScale is not null && Network.IsClassConditional;

    public bool LearnsVariance => Variance == VarianceValue.Learned;
}

/// <summary>Mirror of Diffusion.Dsl.Prediction.</summary>
internal enum PredictionValue
{
    Noise = 0,
    CleanSample = 1,
    Velocity = 2,
    Score = 3,
}

/// <summary>Mirror of Diffusion.Dsl.ReverseVariance.</summary>
internal enum VarianceValue
{
    FixedSmall = 0,
    FixedLarge = 1,
    Learned = 2,
}

/// <summary>Mirror of Diffusion.Dsl.Objective.</summary>
internal enum ObjectiveValue
{
    Simple = 0,
    Hybrid = 1,
    VariationalBound = 2,
}

/// <summary>Mirror of Diffusion.Dsl.LossWeighting.</summary>
internal enum WeightingValue
{
    Noise = 0,
    CleanSample = 1,
    Velocity = 2,
    TruncatedSnr = 3,
    MinSnr = 4,
}

/// <summary>Mirror of Diffusion.Dsl.SamplerKind.</summary>
internal enum SamplerKindValue
{
    Ddpm = 0,
    Ddim = 1,
}
