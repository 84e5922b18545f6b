using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// A U-Net on <see cref="MnistAutoencoder"/>'s 7x7x4 latents: the pixel U-Net's 7x7 level alone (64 channels, attention
/// with 4 heads, dropout 0.1), with two residual blocks where the pixel U-Net has one per level. Its convolutions see
/// 49 positions where the pixel U-Net's first level sees 784: where latent diffusion saves, unlike a DiT whose token
/// count is the same on both.
/// </summary>
[UNet(InputSize = 7, InChannels = 4, BaseChannels = 64, ChannelMultipliers = new[] { 1 }, ResBlocks = 2,
      AttentionResolutions = new[] { 7 }, Heads = 4, Dropout = 0.1, NormGroups = 8)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
public partial class MnistLatentUNet;

/// <summary>
/// Latent diffusion with the U-Net above, compared with the pixel U-Net (unet) in docs/benchmarks.md. Train the
/// autoencoder first, then train --model ldm-unet --autoencoder RUN. Named ldm-unet.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistLatentUNet), Predicts = Prediction.Noise, CommandName = "ldm-unet")]
[LatentDiffusion(typeof(MnistAutoencoder))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistLatentUNetDiffusion;
