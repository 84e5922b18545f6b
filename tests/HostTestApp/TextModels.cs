using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>8x8 grayscale shapes conditioned on a caption: pooled (3) into c, cross-attention over up to 8 tokens of 3.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, CrossAttention = true, DropRate = 0.1)]
[Patchify(PatchSize = 2, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesTextDit;

/// <summary>The text-to-shape model, guided over text at w = 2; named shapes-text.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesTextDit), CommandName = "shapes-text")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesText;

/// <summary>unCLIP's prior over the 3-d joint space of a train-image-encoder run on 8x8 shapes, from captions' letters.</summary>
[DiffusionPrior(EmbeddingDim = 3, Width = 16, Depth = 1, Heads = 2)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, DropRate = 0.1)]
public partial class ShapesPriorNetwork;

/// <summary>The prior, predicting the clean embedding as DALL-E 2's does; named shapes-prior.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesPriorNetwork), Predicts = Prediction.CleanSample, Weighting = LossWeighting.CleanSample,
    CommandName = "shapes-prior")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesPrior;

/// <summary>unCLIP's decoder: 8x8 shapes from a 3-d image embedding (pooled only, no cross-attention).</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, CrossAttention = false, DropRate = 0.1)]
[Patchify(PatchSize = 2, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesDecoderDit;

/// <summary>The decoder, guided over the image embedding at w = 2; named shapes-decoder.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesDecoderDit), CommandName = "shapes-decoder")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesDecoder;

/// <summary>ShapesTextDit with a 4-d pooled embedding, wider than the program's encoder: what the host must refuse.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 1)]
[TextConditioning(PooledDim = 4, TokenDim = 3, MaxTokens = 8, DropRate = 0.1)]
[Patchify(PatchSize = 2, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesWideTextDit;

/// <summary>The wide text model; named shapes-wide.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesWideTextDit), CommandName = "shapes-wide")]
[Sampler(SamplerKind.Ddim)]
public partial class ShapesWideText;

/// <summary>unCLIP's decoder as a cascade's base: 4x4 shapes from a 3-d image embedding (pooled only).</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, CrossAttention = false, DropRate = 0.1)]
[Patchify(PatchSize = 1, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class ShapesDecoder4Dit;

/// <summary>The 4x4 decoder (train --image-encoder RUN --area-from 8); named shapes-decoder4.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesDecoder4Dit), CommandName = "shapes-decoder4")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesDecoder4;

/// <summary>unCLIP's decoder, then its upsampler (Ramesh et al. 2022, Sec. 2.1); named shapes-unclip-cascade.</summary>
[Cascade(typeof(ShapesDecoder4), typeof(ShapesUpsampler8), CommandName = "shapes-unclip-cascade")]
public partial class ShapesUnclipCascade;
