using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The latent DiT with text in the label's place: MnistLatentDit's blocks on the 7x7x4 latents, the frozen MiniLM's
/// pooled caption embedding (384) added to c and a cross-attention over the caption's token states (at most 32) in
/// every block, as MnistTextDit has them on pixels.
/// </summary>
[DiffusionTransformer(InputSize = 7, InChannels = 4)]
[Patchify(PatchSize = 1, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, CrossAttention = true, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistLatentTextDit;

/// <summary>
/// Text to digits on latents (Rombach et al. 2022, Sec. 3.3, as Stable Diffusion conditions on text): the DiT denoises
/// the frozen KL-f4 autoencoder's latents for a caption, sampling is guided over text (w = 4) without thresholding
/// (latents are not data in [-1, 1]) and decodes once. Train the autoencoder first, then this model on the captioned
/// folder with its checkpoint (train --model ldm-text --autoencoder RUN). Named ldm-text.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistLatentTextDit), Predicts = Prediction.Noise, CommandName = "ldm-text")]
[LatentDiffusion(typeof(MnistAutoencoder))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistLatentTextDiffusion;
