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
