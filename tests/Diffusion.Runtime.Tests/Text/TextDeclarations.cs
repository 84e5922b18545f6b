using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Text;

/// <summary>A short linear schedule for the tiny text model.</summary>
[NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
public partial class TinyTextSchedule;

/// <summary>A one-block DiT on 4x4x1 (patch 1: 16 tokens) cross-attending over up to 4 text tokens of width 2.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, CrossAttention = true, DropRate = 0.25)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyTextDit;

/// <summary>The tiny text-to-image model, guided at w = 2 by default.</summary>
[DiffusionModel(typeof(TinyTextSchedule), typeof(TinyTextDit))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyText;

/// <summary>An unCLIP decoder's network: TinyTextDit's sizes conditioned on a pooled 3-d image embedding alone.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, CrossAttention = false, DropRate = 0.25)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyDecoderDit;

/// <summary>The tiny unCLIP decoder, guided at w = 2 by default.</summary>
[DiffusionModel(typeof(TinyTextSchedule), typeof(TinyDecoderDit))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyDecoder;

/// <summary>A two-level U-Net on 8x8x1 taking a pooled 3-d text embedding into its timestep embedding.</summary>
[UNet(InputSize = 8, InChannels = 1, BaseChannels = 16, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 4 }, ResBlocks = 1,
    NormGroups = 8, Heads = 2)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, DropRate = 0.25)]
public partial class TinyTextUNet;

/// <summary>The tiny text-to-image U-Net model, guided at w = 2 by default.</summary>
[DiffusionModel(typeof(TinyTextSchedule), typeof(TinyTextUNet))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyTextUNetModel;

/// <summary>The tiny U-Net also cross-attending over 2-d token states (at most 4) after each attention block.</summary>
[UNet(InputSize = 8, InChannels = 1, BaseChannels = 16, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 4 }, ResBlocks = 1,
    NormGroups = 8, Heads = 2)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, CrossAttention = true, DropRate = 0.25)]
public partial class TinyTokenUNet;

/// <summary>The cross-attending tiny U-Net's model, guided at w = 2 by default.</summary>
[DiffusionModel(typeof(TinyTextSchedule), typeof(TinyTokenUNet))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyTokenUNetModel;
