using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Network.Shipped;

// The example's declarations (examples/MnistDit/MnistDiffusion.cs), repeated word for word so the generator builds the
// same network here: the test project runs the example as a child process and does not reference its assembly.
// config.json of examples/MnistDit/reference must match their description, so keep the names.

/// <summary>The example's cosine schedule over T = 1000 steps.</summary>
[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
public partial class MnistSchedule;

/// <summary>The example's DiT: 4x4 patches of 28x28 digits, width 192, six blocks of 3 heads, ten classes.</summary>
[DiffusionTransformer(InputSize = 28, InChannels = 1)]
[Patchify(PatchSize = 4, Width = 192)]
[TimestepEmbedding(FrequencyDim = 256)]
[LabelEmbedding(Classes = 10, DropRate = 0.1)]
[AdaLnZeroBlocks(Depth = 6, Heads = 3, MlpRatio = 4.0)]
public partial class MnistDit;

/// <summary>The example's model: noise prediction, DDPM and DDIM, classifier-free guidance 4.</summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Noise)]
[Sampler(SamplerKind.Ddpm)]
[Sampler(SamplerKind.Ddim)]
[ClassifierFreeGuidance(Scale = 4.0)]
public partial class MnistDiffusion;
