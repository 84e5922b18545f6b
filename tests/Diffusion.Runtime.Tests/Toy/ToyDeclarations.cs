using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Toy;

// 2-D points as 2-channel 1x1 "images": a DiT over one token is an MLP with adaLN-Zero conditioning, so the toy
// models use the generated network, loss and samplers unchanged.

[NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
public partial class ToySchedule;

[DiffusionTransformer(InputSize = 1, InChannels = 2)]
[Patchify(PatchSize = 1, Width = 64)]
[TimestepEmbedding(FrequencyDim = 32)]
[AdaLnZeroBlocks(Depth = 2, Heads = 4, MlpRatio = 2.0)]
public partial class ToyNet;

[DiffusionTransformer(InputSize = 1, InChannels = 2, LearnSigma = true)]
[Patchify(PatchSize = 1, Width = 64)]
[TimestepEmbedding(FrequencyDim = 32)]
[AdaLnZeroBlocks(Depth = 2, Heads = 4, MlpRatio = 2.0)]
public partial class ToySigmaNet;

[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Weighting = LossWeighting.MinSnr)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyNoiseModel;

[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Predicts = Prediction.CleanSample, Weighting = LossWeighting.MinSnr)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyCleanSampleModel;

[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Predicts = Prediction.Velocity, Weighting = LossWeighting.Velocity)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyVelocityModel;

[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Predicts = Prediction.Score)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyScoreModel;

[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Predicts = Prediction.Mean, Weighting = LossWeighting.MinSnr)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyMeanModel;

[DiffusionModel(typeof(ToySchedule), typeof(ToySigmaNet), Variance = ReverseVariance.Learned, Objective = Objective.VariationalBound)]
[Sampler(SamplerKind.Ddpm)]
public partial class ToyLearnedModel;
