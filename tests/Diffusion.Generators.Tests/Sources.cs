namespace Diffusion.Generators.Tests;

/// <summary>Declarations the tests feed the generator.</summary>
internal static class Sources
{
    /// <summary>
    /// The MNIST example's own declaration file (examples/MnistDit/MnistDiffusion.cs), read from the source tree so the
    /// snapshots pin exactly what the example compiles: a class-conditional DiT with DDPM, DDIM and classifier-free guidance.
    /// </summary>
    public static string Mnist { get; } = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "examples", "MnistDit", "MnistDiffusion.cs"));

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(thisFile)!, "..", ".."));

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
