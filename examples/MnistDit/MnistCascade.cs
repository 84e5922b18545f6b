using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The cascade's base network: the pixel DiT's blocks on 14x14 digits (MNIST area-averaged 2x2), where patches of 2 give
/// the same 49 tokens of width 192 as the pixel DiT's 4x4 patches of 28x28.
/// </summary>
[DiffusionTransformer(InputSize = 14, InChannels = 1)]
[Patchify(PatchSize = 2, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistBase14Dit;

/// <summary>
/// The cascade's base stage: class-conditional 14x14 digits. Train it on MNIST at 14x14 with the same area average the
/// super-resolution stage uses (train --model base14 --fit area). Named base14.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistBase14Dit), Predicts = Prediction.Noise, CommandName = "base14")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistBase14;

/// <summary>
/// The super-resolution network: 28x28 x_t concatenated with the upsampled 14x14 digit (one more input channel), 4x4
/// patches (49 tokens of width 192), the augmentation level embedded beside the timestep.
/// </summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[LowResolutionConditioning(Channels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistSr28Dit;

/// <summary>
/// 14x14 -> 28x28 super-resolution with Gaussian noise conditioning augmentation (Ho et al. 2021, Sec. 4.1): levels 0 to
/// 250 of the cosine schedule in training, none by default at sampling. Trains on full-size MNIST and makes its own
/// 14x14 inputs (train --model sr28). Named sr28.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistSr28Dit), Predicts = Prediction.Noise, CommandName = "sr28")]
[SuperResolution(FromSize = 14, Augmentation = NoiseAugmentation.Gaussian, MinLevel = 0, MaxLevel = 250)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistSr28;

/// <summary>
/// The cascade (Ho et al. 2021): base14's digits, then sr28 conditioned on them, one label and guidance weight for both
/// (sample --model cascade --checkpoint base14=RUN --checkpoint sr28=RUN). Named cascade.
/// </summary>
[Cascade(typeof(MnistBase14), typeof(MnistSr28), CommandName = "cascade")]
public partial class MnistCascade;
