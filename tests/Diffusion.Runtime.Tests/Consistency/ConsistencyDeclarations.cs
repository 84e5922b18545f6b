using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Consistency;

// Consistency models on TinyDit and the linear schedule (levels s_0 ~ 0.01 .. s_999 ~ 157): s_min = 0.02 lies inside
// the table, so every level of these models is one the network was trained on.

/// <summary>Consistency training from data; the network predicts the noise.</summary>
[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit))]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.02, SigmaMax = 80)]
public partial class TinyConsistencyModel;

/// <summary>Consistency distillation from TinyLinearModel (noise prediction, DDIM); the student predicts velocity.</summary>
[DiffusionModel(typeof(LinearSchedule1000), typeof(TinyDit), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.02, SigmaMax = 80, Teacher = typeof(TinyLinearModel))]
public partial class TinyDistilledModel;
