using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>Cosine schedule over T = 1000 steps (Nichol and Dhariwal 2021): gentler than linear at 28x28.</summary>
[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
public partial class MnistSchedule;

/// <summary>
/// A small class-conditional DiT for 28x28 digits: 4x4 patches give 7x7 = 49 tokens of width 192, six adaLN-Zero
/// blocks of 3 heads, ten digit classes plus the null label, dropped 10% of the time for classifier-free guidance.
/// </summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistDit;

/// <summary>
/// The diffusion model: the network predicts the noise; DDPM and DDIM sample it with guidance. The command line's
/// default, also named dit.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Noise,
                CommandName = "dit", IsDefault = true)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistDiffusion;
