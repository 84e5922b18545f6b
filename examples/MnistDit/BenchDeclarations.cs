using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>The reference DiT's linear schedule (Ho et al. 2020; facebookresearch/DiT trains with it), T = 1000.</summary>
[NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
public partial class BenchSchedule;

/// <summary>
/// DiT-S/2 (Peebles and Xie 2023, Table 1) at the size the paper trains it on ImageNet 256: 32 x 32 x 4 latents, 2 x 2
/// patches, 256 tokens of width 384, 12 blocks of 6 heads, 1000 classes. Only the benchmark uses it: it is the
/// compute-bound counterpart of the small, overhead-bound MNIST model.
/// </summary>
[DiffusionTransformer(InputSize = 32, InChannels = 4)]
[DiTPreset(DiTSize.S, PatchSize = 2)]
[LabelEmbedding(Classes = 1000, DropRate = 0.1)]
public partial class BenchDitS2;

/// <summary>The DiT-S/2 diffusion model of the benchmark: noise prediction, DDIM with classifier-free guidance.</summary>
[DiffusionModel(typeof(BenchSchedule), typeof(BenchDitS2), Predicts = Prediction.Noise)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class BenchDitS2Diffusion;
