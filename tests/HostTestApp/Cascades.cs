using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>The cascade's base network: 4x4 grayscale shapes, 1x1 patches (16 tokens of width 32), three classes.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[Patchify(PatchSize = 1, Width = 32)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesBase4Dit;

/// <summary>The cascade's base: 4x4 shapes (train --area-from 8 on the 8x8 shapes); named shapes-base4.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesBase4Dit), CommandName = "shapes-base4")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesBase4;

/// <summary>The super-resolution network: 8x8 x_t with the upsampled 4x4 shape, 2x2 patches.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 2, Width = 32)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesUp8Dit;

/// <summary>4x4 -> 8x8 with Gaussian augmentation at levels 0..20; named shapes-up8.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesUp8Dit), CommandName = "shapes-up8")]
[SuperResolution(FromSize = 4, Augmentation = NoiseAugmentation.Gaussian, MaxLevel = 20)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesUp8;

/// <summary>The two as a cascade; named shapes-cascade.</summary>
[Cascade(typeof(ShapesBase4), typeof(ShapesUp8), CommandName = "shapes-cascade")]
public partial class ShapesCascade;

/// <summary>The base of the cascade from text: 4x4 shapes from a caption (pooled 3 into c, cross-attention over 8 tokens of 3).</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, CrossAttention = true, DropRate = 0.1)]
[Patchify(PatchSize = 1, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesTextBase4Dit;

/// <summary>4x4 shapes from captions (train --area-from 8 on the captioned 8x8 shapes); named shapes-text-base4.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesTextBase4Dit), CommandName = "shapes-text-base4")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesTextBase4;

/// <summary>The upsampler's network: ShapesUp8Dit without a label.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 2, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesUpsampler8Dit;

/// <summary>4x4 -> 8x8 from the image alone; named shapes-upsampler8.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesUpsampler8Dit), CommandName = "shapes-upsampler8")]
[SuperResolution(FromSize = 4, Augmentation = NoiseAugmentation.Gaussian, MaxLevel = 20)]
[Sampler(SamplerKind.Ddim)]
public partial class ShapesUpsampler8;

/// <summary>Captions to 8x8 shapes through the two; named shapes-text-cascade.</summary>
[Cascade(typeof(ShapesTextBase4), typeof(ShapesUpsampler8), CommandName = "shapes-text-cascade")]
public partial class ShapesTextCascade;
