using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// MnistDiffusion's network and schedule with min-SNR-5 loss weighting (Hang et al. 2023, Eq. 8): the noise error of
/// the nearly clean timesteps, which the uniform noise loss weights by SNR, is capped at gamma = 5, so the gradient
/// steps of the low- and high-noise tasks conflict less. A recipe of the time-to-quality comparison (issue 16,
/// docs/benchmarks.md). Named dit-minsnr on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Noise, Weighting = LossWeighting.MinSnr,
                CommandName = "dit-minsnr")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistMinSnrDiffusion;

/// <summary>
/// MnistDiffusion's network and schedule predicting velocity under the velocity loss, lambda = SNR + 1 (Salimans and Ho
/// 2022, Sec. 4): the clean-sample error keeps weight 1 at high noise, where the noise loss gives it almost none. A
/// recipe of the time-to-quality comparison (issue 16, docs/benchmarks.md). Named dit-vloss on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, Weighting = LossWeighting.Velocity,
                CommandName = "dit-vloss")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistVelocityLossDiffusion;
