using Diffusion.Runtime.Models;

namespace Examples.Mnist;

/// <summary>
/// The example's declared models by command-line name, as the generator will emit them: the class names (any case)
/// and the names every script and document uses, dit (the default), unet and noisy-classifier.
/// </summary>
public static class DeclaredModels
{
    /// <summary>The DiT, the U-Net and the U-Net's noisy classifier.</summary>
    public static ModelCatalog Catalog { get; } = new(
        ModelEntry.Diffusion(nameof(MnistDiffusion), static () => new MnistDiffusion()) with { Aliases = ["dit"], IsDefault = true },
        ModelEntry.Diffusion(nameof(MnistUNetDiffusion), static () => new MnistUNetDiffusion()) with { Aliases = ["unet"] },
        ModelEntry.NoisyClassifier(nameof(MnistNoisyClassifier), static () => new MnistNoisyClassifier()) with { Aliases = ["noisy-classifier"] });
}
