using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>An unconditional DiT on <see cref="RgbAutoencoder"/>'s 8x8x2 latent: 2x2 patches, 16 tokens of width 32.</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 2)]
[Patchify(PatchSize = 2, Width = 32)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class RgbLatentDit;

/// <summary>Latent diffusion on the RGB autoencoder's latents (posterior samples), DDPM and DDIM; named rgb-ldm.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbLatentDit), Predicts = Prediction.Noise, CommandName = "rgb-ldm")]
[LatentDiffusion(typeof(RgbAutoencoder))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class RgbLatentDiffusion;

/// <summary>
/// A consistency model on RgbAutoencoder's latents distilled from <see cref="RgbLatentDiffusion"/>: train copies the
/// teacher's weights, autoencoder and latent scale into it.
/// </summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbLatentDit), Predicts = Prediction.Velocity, CommandName = "rgb-lcd")]
[LatentDiffusion(typeof(RgbAutoencoder))]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.02, SigmaMax = 80, SigmaData = 1.0, Teacher = typeof(RgbLatentDiffusion))]
public partial class RgbLatentConsistency;

/// <summary>RgbLatentDit's sizes conditioned on a caption of the letter encoder's widths (pooled 3, tokens 3).</summary>
[DiffusionTransformer(InputSize = 8, InChannels = 2)]
[Patchify(PatchSize = 2, Width = 32)]
[TextConditioning(PooledDim = 3, TokenDim = 3, MaxTokens = 8, CrossAttention = true, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class RgbLatentTextDit;

/// <summary>Text to RGB images on the autoencoder's latents, guided over text at w = 2; named rgb-ltext.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbLatentTextDit), CommandName = "rgb-ltext")]
[LatentDiffusion(typeof(RgbAutoencoder))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class RgbLatentText;
