using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests;

// Small declarations compiled by the generator itself, so these tests drive the generated code.

[NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
public partial class LinearSchedule1000;

[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
public partial class CosineSchedule1000;

/// <summary>A tiny class-conditional DiT on 1x4x4 inputs: two classes, so the oracle mixture has two components.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[Patchify(PatchSize = 2, Width = 16)]
[TimestepEmbedding(FrequencyDim = 16)]
[LabelEmbedding(Classes = 2, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 2, Heads = 2, MlpRatio = 2.0)]
public partial class TinyLabelledDit;

/// <summary>A tiny unconditional DiT on 1x4x4 inputs.</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1)]
[Patchify(PatchSize = 2, Width = 16)]
[AdaLnZeroBlocks(Depth = 2, Heads = 2)]
public partial class TinyDit;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class TinyLinearModel;

[DiffusionModel(typeof(CosineSchedule1000), typeof(TinyDit))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class TinyCosineModel;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyLabelledDit))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 2.0)]
public partial class TinyGuidedModel;

// The five predictions and the learned variance on the same tiny network shape, for the hub's round trips and the
// variational bound's tests.

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Predicts = Prediction.CleanSample, Weighting = LossWeighting.Noise)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyCleanSampleModel;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyVelocityModel;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Predicts = Prediction.Score)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyScoreModel;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Predicts = Prediction.Mean)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyMeanModel;

[DiffusionModel(typeof(CosineSchedule1000), typeof(TinyDit), Predicts = Prediction.Mean)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyCosineMeanModel;

/// <summary>TinyDit's shape with the variance values as well (2C output channels).</summary>
[DiffusionTransformer(InputSize = 4, InChannels = 1, LearnSigma = true)]
[Patchify(PatchSize = 2, Width = 16)]
[AdaLnZeroBlocks(Depth = 2, Heads = 2)]
public partial class TinySigmaDit;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinySigmaDit), Variance = ReverseVariance.Learned, Objective = Objective.Hybrid)]
[Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
public partial class TinyLearnedModel;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Variance = ReverseVariance.FixedLarge)]
[Sampler(SamplerKind.Ddpm)]
public partial class TinyFixedLargeModel;
