namespace Diffusion.Generators.Tests;

/// <summary>Declarations the tests feed the generator.</summary>
internal static class Sources
{
    /// <summary>The MNIST example: a class-conditional DiT with DDPM and DDIM and classifier-free guidance.</summary>
    public const string Mnist = """
        using Diffusion.Dsl;

        namespace Examples.Mnist;

        /// <summary>The cosine schedule over 1000 steps.</summary>
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
        public partial class MnistSchedule;

        /// <summary>A small class-conditional DiT for 28 x 28 digits.</summary>
        [DiffusionTransformer(InputSize = 28, InChannels = 1)]
        [Patchify(PatchSize = 4, Width = 192)]
        [LabelEmbedding(Classes = 10, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 6, Heads = 3)]
        public partial class MnistDit;

        /// <summary>The MNIST diffusion model.</summary>
        [DiffusionModel(typeof(MnistSchedule), typeof(MnistDit), Predicts = Prediction.Noise)]
        [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 4.0)]
        public partial class MnistDiffusion;
        """;

    /// <summary>An unconditional DiT-S/2 on 32 x 32 x 4 latents with a linear schedule.</summary>
    public const string LatentDitS2 = """
        using Diffusion.Dsl;

        namespace Examples.Latent;

        /// <summary>The linear DDPM schedule.</summary>
        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class LatentSchedule;

        /// <summary>DiT-S/2 on Stable Diffusion latents.</summary>
        [DiffusionTransformer(InputSize = 32, InChannels = 4)]
        [DiTPreset(DiTSize.S, PatchSize = 2)]
        public partial class LatentDit;

        /// <summary>The unconditional latent diffusion model.</summary>
        [DiffusionModel(typeof(LatentSchedule), typeof(LatentDit))]
        [Sampler(SamplerKind.Ddim)]
        public partial class LatentDiffusion;
        """;
}
