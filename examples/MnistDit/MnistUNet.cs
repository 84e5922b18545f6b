using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// A small class-conditional U-Net for 28x28 digits (DDPM / ADM style): 32 channels at 28x28, 64 at 14x14 and 7x7, one
/// residual block per level with scale-shift normalisation, self-attention at 7x7 with 4 heads, dropout 0.1, and the
/// same ten classes plus the null label as the DiT, dropped 10% of the time for classifier-free guidance.
/// </summary>
[UNet(InputSize = 28, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2 }, ResBlocks = 1,
      AttentionResolutions = new[] { 7 }, Heads = 4, Dropout = 0.1, NormGroups = 8)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
public partial class MnistUNet;

/// <summary>
/// The U-Net diffusion model on the DiT's schedule: noise prediction, DDPM and DDIM, classifier-free guidance; named
/// unet on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistUNet), Predicts = Prediction.Noise, CommandName = "unet")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistUNetDiffusion;

/// <summary>
/// The noisy classifier's network: the encoder half of a U-Net like the one above (16 channels at 28x28, 32 below, one
/// residual block per level, attention at 7x7) with a pooled head of ten logits.
/// </summary>
[UNetEncoder(InputSize = 28, InChannels = 1, Outputs = 10, BaseChannels = 16, ChannelMultipliers = new[] { 1, 2, 2 },
             ResBlocks = 1, AttentionResolutions = new[] { 7 }, Heads = 4, NormGroups = 8)]
public partial class MnistNoisyEncoder;

/// <summary>p(y | x_t, t) on the diffusion models' cosine schedule, for classifier guidance.</summary>
[NoisyClassifier(typeof(MnistSchedule), typeof(MnistNoisyEncoder), CommandName = "noisy-classifier")]
public partial class MnistNoisyClassifier;
