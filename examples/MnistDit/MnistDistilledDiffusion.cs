using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// The progressive-distillation student of the shipped reference <see cref="MnistDiffusion"/> (Salimans and Ho 2022):
/// the same schedule and network, initialised from the teacher's noise-predicting weights but predicting velocity,
/// which few steps need (noise prediction divides by alpha_t, near 0 at the first step), learning two of its
/// teacher's guided DDIM steps (w = 4, baked in) in one per round; the distill command halves its steps round after
/// round. Named dit-pd on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, CommandName = "dit-pd")]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(MnistDiffusion))]
public partial class MnistDistilledDiffusion;
