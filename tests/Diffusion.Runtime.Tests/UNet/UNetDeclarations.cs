using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.UNet;

// Small U-Nets whose parameters UNetShapeTests counts by hand from these declarations.

[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 100)]
public partial class UNetTestSchedule;

/// <summary>Three levels (16, 8, 4), class-conditional, scale-shift, attention at 4x4.</summary>
[UNet(InputSize = 16, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2, 2 }, ResBlocks = 1,
      AttentionResolutions = new[] { 4 }, Heads = 2, NormGroups = 4)]
[LabelEmbedding(Classes = 3)]
public partial class ThreeLevelUNet;

/// <summary>Two levels (8, 4), unconditional, additive embedding, two blocks per level, attention at 8x8, learned sigma.</summary>
[UNet(InputSize = 8, InChannels = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 3 }, ResBlocks = 2,
      AttentionResolutions = new[] { 8 }, Heads = 4, ScaleShiftNorm = false, NormGroups = 8, LearnSigma = true)]
public partial class TwoLevelUNet;

/// <summary>One level: no resampling at all.</summary>
[UNet(InputSize = 6, InChannels = 2, BaseChannels = 4, ChannelMultipliers = new[] { 1 }, ResBlocks = 1, Heads = 1, NormGroups = 2)]
public partial class OneLevelUNet;

/// <summary>The encoder half of a two-level U-Net with a pooled head of 3 logits.</summary>
[UNetEncoder(InputSize = 16, InChannels = 1, Outputs = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1,
             AttentionResolutions = new[] { 8 }, Heads = 2, NormGroups = 4)]
public partial class SmallEncoder;

[NoisyClassifier(typeof(UNetTestSchedule), typeof(SmallEncoder))]
public partial class SmallNoisyClassifier;

[DiffusionModel(typeof(UNetTestSchedule), typeof(ThreeLevelUNet))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance]
public partial class ThreeLevelDiffusion;
