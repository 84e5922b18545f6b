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
