using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>A short linear schedule for the tiny cascade.</summary>
[NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
public partial class TinyCascadeSchedule;

/// <summary>A one-block DiT on 4x4x1 (patch 1: 16 tokens), three classes.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyBaseDit;

/// <summary>The base stage at 4x4.</summary>
[DiffusionModel(typeof(TinyCascadeSchedule), typeof(TinyBaseDit))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyBase;

/// <summary>A one-block DiT on 8x8x1 conditioned on the upsampled 4x4 image (patch 2: 16 tokens).</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 2, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyUpDit;

/// <summary>4x4 -> 8x8 with Gaussian noise conditioning augmentation at levels 0..20 of its 50 steps.</summary>
[DiffusionModel(typeof(TinyCascadeSchedule), typeof(TinyUpDit))]
[SuperResolution(FromSize = 4, Augmentation = NoiseAugmentation.Gaussian, MinLevel = 0, MaxLevel = 20, SamplingLevel = 5)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyUp;

/// <summary>The tiny cascade.</summary>
[Cascade(typeof(TinyBase), typeof(TinyUp))]
public partial class TinyCascade;

/// <summary>A one-block DiT on 4x4x1 conditioned on text: pooled (3) into c, cross-attention over up to 3 tokens of 2.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 3, CrossAttention = true, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyTextBaseDit;

/// <summary>The base of a cascade from text, at 4x4.</summary>
[DiffusionModel(typeof(TinyCascadeSchedule), typeof(TinyTextBaseDit))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyTextBase;

/// <summary>TinyUpDit without a label: the upsampled 4x4 image is all it is conditioned on.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 2, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyUpsamplerDit;

/// <summary>4x4 -> 8x8 from the image alone, with TinyUp's augmentation.</summary>
[DiffusionModel(typeof(TinyCascadeSchedule), typeof(TinyUpsamplerDit))]
[SuperResolution(FromSize = 4, Augmentation = NoiseAugmentation.Gaussian, MinLevel = 0, MaxLevel = 20, SamplingLevel = 5)]
[Sampler(SamplerKind.Ddim)]
public partial class TinyUpsampler;

/// <summary>The tiny cascade from text.</summary>
[Cascade(typeof(TinyTextBase), typeof(TinyUpsampler))]
public partial class TinyTextCascade;
