using Diffusion.Dsl;

namespace MyModel;

/// <summary>Cosine schedule over T = 1000 steps (Nichol and Dhariwal 2021): gentler than linear at small sizes.</summary>
[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
public partial class MyModelSchedule;

/// <summary>
/// A small class-conditional DiT (Peebles and Xie 2023) for 32x32 RGB images: 4x4 patches give 8x8 = 64 tokens of
/// width 128, four adaLN-Zero blocks of 4 heads, ten classes plus the null label, dropped 10% of the time so that
/// classifier-free guidance has an unconditional model to contrast with.
/// </summary>
[DiffusionTransformer(InputSize = 32, InChannels = 3)]
[Patchify(PatchSize = 4, Width = 128)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 4, Heads = 4)]
public partial class MyModelDit;

/// <summary>
/// The diffusion model: the network predicts the noise (Ho et al. 2020); DDPM and DDIM (Song et al. 2021) sample it
/// with classifier-free guidance (Ho and Salimans 2022) at w = 4 unless --guidance says otherwise.
/// </summary>
[DiffusionModel(typeof(MyModelSchedule), typeof(MyModelDit), Predicts = Prediction.Noise)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MyModelDiffusion;
