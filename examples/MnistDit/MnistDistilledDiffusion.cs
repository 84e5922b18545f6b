using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The progressive-distillation student of <see cref="MnistVelocityDiffusion"/> (Salimans and Ho 2022): the same
/// schedule and network, predicting velocity, learning two of its teacher's guided DDIM steps (w = 4, baked in) in one
/// per round; the distill command halves its steps round after round. Named dit-pd on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, CommandName = "dit-pd")]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(MnistVelocityDiffusion))]
public partial class MnistDistilledDiffusion;
