using System.Collections.Immutable;

namespace Diffusion.CodeFixes;

/// <summary>
/// Which diagnostic IDs each fix serves. A diagnostic of a listed ID gets the fix only when the generator attached its
/// data (see FixProperties): DDSL003, for one, only where its message names one value to use.
/// </summary>
internal static class FixableDiagnostics
{
    /// <summary>A named argument set to the value the message suggests.</summary>
    public static readonly ImmutableArray<string> SetArgument = ImmutableArray.Create(
        "DDSL001", // PatchSize: the divisor of the input size nearest to the one written
        "DDSL002", // Heads: the divisor of the width nearest to the one written
        "DDSL003", // the usual value a range message names (Timesteps, BaseChannels, Dropout, MlpRatio, MinSnrGamma, Scale)
        "DDSL004", // DropRate = 0.1
        "DDSL008", // Weighting = LossWeighting.MinSnr beside a MinSnrGamma
        "DDSL010", // Width: the next multiple of 4
        "DDSL012", // FrequencyDim: the next even number
        "DDSL013", // DropRate = 0.1 on the network's [LabelEmbedding]
        "DDSL015", // LearnSigma = true on the network
        "DDSL016", // Objective.Hybrid for a learned variance, Objective.Simple for a fixed one
        "DDSL017", // Predicts = Prediction.Velocity
        "DDSL018", // Predicts = Prediction.Velocity
        "DDSL019", // InputSize that halves often enough, or ChannelMultipliers cut to the levels it allows
        "DDSL020", // AttentionResolutions without the resolutions the U-Net lacks
        "DDSL021", // NormGroups dividing every level's channels
        "DDSL022", // Heads dividing the channels where attention runs
        "DDSL024", // IsDefault = false on the second default
        "DDSL032", // Predicts = Prediction.Velocity on a distillation student
        "DDSL034", // Guidance = 1 on a teacher without classifier-free guidance
        "DDSL050", // DownsamplingFactor: the power of two nearest to the one written
        "DDSL051", // InputSize: the next size divisible by the downsampling factor
        "DDSL052", // ChannelMultipliers cut or extended to log2 f + 1 levels
        "DDSL053"); // KlWeight = 1e-6, the paper's

    /// <summary>An attribute added to a class.</summary>
    public static readonly ImmutableArray<string> AddAttribute = ImmutableArray.Create(
        "DDSL005", // [LabelEmbedding(Classes = 10)] on the network
        "DDSL014", // [Sampler(SamplerKind.Ddim)] on the model
        "DDSL031", // [Sampler(SamplerKind.Ddim)] on the distillation teacher
        "DDSL035"); // [Sampler(SamplerKind.Ddim)] on the distillation student

    /// <summary>An attribute removed.</summary>
    public static readonly ImmutableArray<string> RemoveAttribute = ImmutableArray.Create(
        "DDSL005"); // [ClassifierFreeGuidance] on a model whose network takes no label
}
