using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The text cascade's base network: the cascade base's 14x14 DiT (patches of 2, 49 tokens of width 192) with dit-text's
/// conditioning in the label's place: the frozen MiniLM's pooled caption embedding added to c and a cross-attention over
/// the caption's token states in every block, captions dropped to the learned null embedding 10% of the time.
/// </summary>
[DiffusionTransformer(InputSize = 14, InChannels = 1)]
[Patchify(PatchSize = 2, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, CrossAttention = true, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistTextBase14Dit;

/// <summary>
/// 14x14 digits from prompts, predicting velocity under the velocity loss (the fastest recipe of the time-to-quality
/// comparison, docs/benchmarks.md). Train it on the captioned folder area-averaged as its upsampler sees it
/// (train --model text-base14 --area-from 28). Named text-base14.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistTextBase14Dit), Predicts = Prediction.Velocity, Weighting = LossWeighting.Velocity,
                CommandName = "text-base14")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistTextBase14;

/// <summary>
/// The upsampler's network: sr28's, without a label: it sees x_t beside the upsampled 14x14 digit and nothing else.
/// </summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistUpsampler28Dit;

/// <summary>
/// 14x14 -> 28x28 conditioned on the low-resolution image alone, as unCLIP's upsamplers are not conditioned on the
/// caption (Ramesh et al. 2022, Sec. 2.1), with sr28's Gaussian conditioning augmentation; velocity under the velocity
/// loss. Trains on full-size MNIST (train --model upsampler28). Named upsampler28.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistUpsampler28Dit), Predicts = Prediction.Velocity, Weighting = LossWeighting.Velocity,
                CommandName = "upsampler28")]
[SuperResolution(FromSize = 14, Augmentation = NoiseAugmentation.Gaussian, MinLevel = 0, MaxLevel = 250)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class MnistUpsampler28;

/// <summary>
/// Prompts to 28x28 digits through a cascade: text-base14 draws the 14x14 digit a prompt asks for, guided over text, and
/// upsampler28 raises it to 28x28 unguided (sample --model text-cascade --prompt "..." --checkpoint text-base14=RUN
/// --checkpoint upsampler28=RUN). Named text-cascade.
/// </summary>
[Cascade(typeof(MnistTextBase14), typeof(MnistUpsampler28), CommandName = "text-cascade")]
public partial class MnistTextCascade;
