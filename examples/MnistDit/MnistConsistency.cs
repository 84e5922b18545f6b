using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// A consistency model distilled from the shipped reference <see cref="MnistDiffusion"/> (Song et al. 2023,
/// Algorithm 2): one guided DDIM step of the teacher (w = 4, baked in) between adjacent Karras levels is the ODE solver.
/// The levels start at the cosine schedule's smallest, s_0 = sqrt((1 - abar_0) / abar_0) = 0.0064, the lowest the
/// teacher was trained at. It predicts velocity, whose clean-sample estimate D = alpha x_vp - sigma v does not
/// multiply the network's error by s at high noise as noise prediction's D = x - s eps does (80x at s_max); `train`
/// starts it from the teacher's weights, so it first learns the change of output. Named dit-cd on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, CommandName = "dit-cd")]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.0064, SigmaMax = 80, Teacher = typeof(MnistDiffusion))]
public partial class MnistConsistencyDistilled;

/// <summary>
/// The same consistency model trained from the digits alone, without a teacher (consistency training with Song and
/// Dhariwal 2023's improvements: pseudo-Huber distance, log-normal levels, a doubling level count, no EMA target), from
/// random weights. Named dit-ct on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Velocity, CommandName = "dit-ct")]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.0064, SigmaMax = 80)]
public partial class MnistConsistencyTrained;
