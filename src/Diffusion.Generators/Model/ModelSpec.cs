namespace Diffusion.Generators.Model;

/// <summary>A [DiffusionModel] declaration with the specs of the schedule and network it names.</summary>
/// <param name="Type">The diffusion model class.</param>
/// <param name="Schedule">The schedule it names (read from that class's attributes).</param>
/// <param name="Network">The network it names (read from that class's attributes).</param>
/// <param name="Predicts">What the network outputs.</param>
/// <param name="Samplers">The declared samplers, sorted by kind.</param>
/// <param name="GuidanceScale">The [ClassifierFreeGuidance] default scale, or null when guidance is not declared.</param>
internal sealed record ModelSpec(
    TypeName Type,
    ScheduleSpec Schedule,
    NetworkSpec Network,
    PredictionValue Predicts,
    EquatableArray<SamplerKindValue> Samplers,
    double? GuidanceScale)
{
    public bool HasGuidance => GuidanceScale is not null && Network.IsClassConditional;
}

/// <summary>Mirror of Diffusion.Dsl.Prediction.</summary>
internal enum PredictionValue
{
    Noise = 0,
}

/// <summary>Mirror of Diffusion.Dsl.SamplerKind.</summary>
internal enum SamplerKindValue
{
    Ddpm = 0,
    Ddim = 1,
}
