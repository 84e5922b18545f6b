using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>The RGB DiT as a consistency model trained from data (consistency training), sampled in one or more steps.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel]
public partial class RgbConsistency;

/// <summary>The RGB DiT as a consistency model distilled from <see cref="RgbVelocityDiffusion"/>'s DDIM step.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(Teacher = typeof(RgbVelocityDiffusion))]
public partial class RgbConsistencyDistilled;
