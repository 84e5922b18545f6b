using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// unCLIP's prior for the digits (Ramesh et al. 2022, Sec. 2.1): a decoder-only transformer over the caption's MiniLM
/// token states, its pooled embedding, the timestep and the noised image embedding, generating the embedding (384) that
/// a train-image-encoder run gives the caption's image. Captions dropped 10% of the time, as DALL-E 2's prior.
/// </summary>
[DiffusionPrior(EmbeddingDim = 384, Width = 256, Depth = 4, Heads = 4)]
[TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, DropRate = 0.1)]
public partial class MnistPriorTransformer;

/// <summary>
/// The prior as a diffusion model: the clean embedding predicted and its plain squared error, as DALL-E 2's prior
/// (Sec. 2.1), on the digits' cosine schedule; named dit-prior. Train it with --image-encoder on the captioned digits.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistPriorTransformer), Predicts = Prediction.CleanSample, Weighting = LossWeighting.CleanSample,
    CommandName = "dit-prior")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class MnistPrior;

/// <summary>
/// unCLIP's decoder for the digits (Sec. 2.2): MnistDit's sizes with the image embedding (384) in the label's place,
/// pooled into c (no cross-attention: an embedding has no tokens), dropped to the learned null embedding 10% of the time.
/// </summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[TextConditioning(PooledDim = 384, TokenDim = 384, CrossAttention = false, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistDecoderDit;

/// <summary>
/// The decoder: digits from image embeddings, guided over the embedding at w = 3; named dit-decoder. Train it with
/// --image-encoder on the digits; sample it with --prior (prompts) or --variations-of (images).
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDecoderDit), Predicts = Prediction.Noise, CommandName = "dit-decoder")]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class MnistDecoder;

/// <summary>The latent decoder's network: the latent DiT's blocks on the 7x7x4 latents, conditioned on a 384-d image embedding.</summary>
[DiffusionTransformer(InputSize = 7, InChannels = 4)]
[Patchify(PatchSize = 1, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[TextConditioning(PooledDim = 384, TokenDim = 384, CrossAttention = false, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistLatentDecoderDit;

/// <summary>
/// unCLIP's decoder on latents: MnistDecoder's task on the frozen autoencoder's latents (it learns in fewer steps, as
/// the latent DiT does), guided at w = 3, unthresholded, decoded once; named ldm-decoder. Train it with --image-encoder
/// and, in its first sitting, --autoencoder.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistLatentDecoderDit), Predicts = Prediction.Noise, CommandName = "ldm-decoder")]
[LatentDiffusion(typeof(MnistAutoencoder))]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 3.0)]
public partial class MnistLatentDecoder;
