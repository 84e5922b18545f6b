using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The DiT of the latent model: the pixel DiT's blocks on <see cref="MnistAutoencoder"/>'s 7x7x4 latents, where patches
/// of 1 give the same 49 tokens of width 192 as the pixel DiT's 4x4 patches of 28x28 digits.
/// </summary>
[DiffusionTransformer(InputSize = 7, InChannels = 4)]
[Patchify(PatchSize = 1, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistLatentDit;

/// <summary>
/// Latent diffusion on MNIST (Rombach et al. 2022): the DiT denoises the frozen KL-f4 autoencoder's latents, scaled to
/// unit variance, and sampling decodes them once; training draws a posterior sample per step, as LDM does. Train the
/// autoencoder first (ae), then this model with its checkpoint (train --model ldm --autoencoder RUN). Named ldm.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistLatentDit), Predicts = Prediction.Noise, CommandName = "ldm")]
[LatentDiffusion(typeof(MnistAutoencoder))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistLatentDiffusion;
