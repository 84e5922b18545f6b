using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>The RGB DiT predicting velocity: the teacher of <see cref="RgbDistilled"/>.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
public partial class RgbVelocityDiffusion;

/// <summary>A progressive-distillation student of <see cref="RgbVelocityDiffusion"/>: same schedule and network.</summary>
[DiffusionModel(typeof(ShortSchedule), typeof(RgbDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(RgbVelocityDiffusion))]
public partial class RgbDistilled;
