using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The same network and schedule predicting velocity v = sqrt(abar) eps - sqrt(1 - abar) x0 (Salimans and Ho 2022,
/// section 4): the teacher of the progressive-distillation students, whose few-step targets noise prediction serves
/// badly at high noise. Named dit-v on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, CommandName = "dit-v")]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistVelocityDiffusion;
