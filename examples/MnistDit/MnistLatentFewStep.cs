using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// Latent consistency distillation (Luo et al. 2023's setting, Song et al. 2023's Algorithm 2): a consistency model on
/// <see cref="MnistAutoencoder"/>'s latents, distilled from the latent DiT <see cref="MnistLatentDiffusion"/> with one
/// guided DDIM step of it (w = 4, baked in) between adjacent Karras levels. It shares its teacher's network type,
/// autoencoder and latent scale (train copies them from the teacher), predicts velocity as the pixel student does, and
/// decodes once after its one to few steps. SigmaData = 1: the latent scale factor gives the latents unit standard
/// deviation (pixels in [-1, 1] have about 0.5, the default). Named ldm-cd on the command line.
/// </summary>
[DiffusionModel(typeof(MnistSchedule), typeof(MnistLatentDit), Predicts = Prediction.Velocity, CommandName = "ldm-cd")]
[LatentDiffusion(typeof(MnistAutoencoder))]
[Sampler(SamplerKind.Consistency)]
[ConsistencyModel(SigmaMin = 0.0064, SigmaMax = 80, SigmaData = 1.0, Teacher = typeof(MnistLatentDiffusion))]
public partial class MnistLatentConsistency;
