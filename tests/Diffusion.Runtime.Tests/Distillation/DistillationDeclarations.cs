using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Distillation;

// Students of TinyGuidedModel (a noise-predicting, guided teacher on TinyLabelledDit and the linear schedule): one run
// without guidance, whose teacher is a single Gaussian per class under the exact oracle (so two DDIM steps are an
// affine map), and one at the teacher's declared guidance w = 2.

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyLabelledDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(TinyGuidedModel), Guidance = 1)]
public partial class TinyConditionalStudent;

[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyLabelledDit), Predicts = Prediction.CleanSample)]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(TinyGuidedModel))]
public partial class TinyGuidedStudent;

// A velocity teacher of the 2-D ring (ToyNet, the toy schedule) with a deterministic sampler, and its student: one
// halving round of a small model on a 2-D toy.

[DiffusionModel(typeof(Toy.ToySchedule), typeof(Toy.ToyNet), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
public partial class ToyRingTeacher;

[DiffusionModel(typeof(Toy.ToySchedule), typeof(Toy.ToyNet), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
[ProgressiveDistillation(typeof(ToyRingTeacher))]
public partial class ToyRingStudent;
