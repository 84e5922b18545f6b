using Diffusion.Dsl;
using Diffusion.Runtime.Tests.Autoencoder;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>A short linear schedule for the tiny latent models.</summary>
[NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
public partial class TinyLatentSchedule;

/// <summary>A one-block DiT on <see cref="TinyAutoencoder"/>'s 4x4x2 latent (patch 1: 16 tokens), three classes.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 2)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[LabelEmbedding(Classes = 3, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyLatentDit;

/// <summary>Latent diffusion on posterior samples (LDM's choice) with every sampler and classifier-free guidance.</summary>
[DiffusionModel(typeof(TinyLatentSchedule), typeof(TinyLatentDit))]
[LatentDiffusion(typeof(TinyAutoencoder))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class TinyLatentDiffusion;

/// <summary>Latent diffusion on the posterior's mean.</summary>
[DiffusionModel(typeof(TinyLatentSchedule), typeof(TinyLatentDit))]
[LatentDiffusion(typeof(TinyAutoencoder), Encoding = LatentEncoding.Mean)]
[Sampler(SamplerKind.Ddim)]
public partial class TinyMeanLatentDiffusion;

/// <summary>A consistency model on the same latents, distilled from <see cref="TinyLatentDiffusion"/> (guided at w = 3).</summary>
[DiffusionModel(typeof(TinyLatentSchedule), typeof(TinyLatentDit), Predicts = Prediction.Velocity)]
[LatentDiffusion(typeof(TinyAutoencoder))]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.05, SigmaMax = 10, SigmaData = 1.0, Teacher = typeof(TinyLatentDiffusion))]
public partial class TinyLatentConsistency;

/// <summary>
/// A one-block DiT on <see cref="TinyAutoencoder"/>'s 4x4x2 latent conditioned on text of TextTrainableTests' encoder
/// (pooled 3, up to 4 tokens of 2) through c and cross-attention.
/// </summary>
[DiffusionTransformer(InputSize = 4, InChannels = 2)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, CrossAttention = true, DropRate = 0.25)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyLatentTextDit;

/// <summary>Text to images on latents (Stable Diffusion's arrangement), guided over text at w = 3.</summary>
[DiffusionModel(typeof(TinyLatentSchedule), typeof(TinyLatentTextDit))]
[LatentDiffusion(typeof(TinyAutoencoder))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class TinyLatentText;

/// <summary>An unCLIP decoder's network on the 4x4x2 latent: a pooled 3-d image embedding alone, no cross-attention.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 2)]
[Patchify(PatchSize = 1, Width = 32)]
[TimestepEmbedding(FrequencyDim = 32)]
[TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 4, CrossAttention = false, DropRate = 0.25)]
[AdaLnZeroBlocks(Depth = 1, Heads = 2)]
public partial class TinyLatentDecoderDit;

/// <summary>unCLIP's decoder on latents.</summary>
[DiffusionModel(typeof(TinyLatentSchedule), typeof(TinyLatentDecoderDit))]
[LatentDiffusion(typeof(TinyAutoencoder))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class TinyLatentDecoder;
