using Diffusion.Dsl;
using Diffusion.Runtime.Tests.Toy;

namespace Diffusion.Runtime.Tests.Guidance;

/// <summary>An unconditional noise-predicting toy model with both samplers; the tests drive it with the exact denoiser.</summary>
[DiffusionModel(typeof(ToySchedule), typeof(ToyNet))]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
public partial class ToyGuidedModel;

/// <summary>The same, predicting velocity: guidance goes through the parameterization hub.</summary>
[DiffusionModel(typeof(ToySchedule), typeof(ToyNet), Predicts = Prediction.Velocity)]
[Sampler(SamplerKind.Ddim)]
public partial class ToyGuidedVelocityModel;
