using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>A short linear schedule: enough for the host's tests, whose runs take a few steps.</summary>
[NoiseSchedule(ScheduleKind.Linear, Timesteps = 100)]
public partial class ShortSchedule;

/// <summary>An unconditional RGB DiT at 16x16: 4x4 patches, 16 tokens of width 32, one block of 2 heads.</summary>
[DiffusionTransformer(InputSize = 16, InChannels = 3)]
[Patchify(PatchSize = 4, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class RgbDit;

/// <summary>The unconditional model: noise prediction, DDIM only.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbDit), Predicts = Prediction.Noise)]
[Sampler(SamplerKind.Ddim)]
public partial class RgbDiffusion;

/// <summary>A class-conditional grayscale U-Net at 8x8: 8 channels, then 16 at 4x4, three classes plus the null label.</summary>
[UNet(InputSize = 8, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1, Heads = 2, NormGroups = 4)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
public partial class ShapesUNet;

/// <summary>The class-conditional model: DDPM and DDIM with classifier-free guidance, w = 2 by default.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(ShapesUNet), Predicts = Prediction.Noise)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class ShapesDiffusion;
