using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>
/// A [SuperResolution] on a [DiffusionModel] (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3 and 4): the
/// low-resolution size it is conditioned on and its noise conditioning augmentation. Built only when the network
/// takes the low-resolution image (a [LowResolutionConditioning] DiT of the same channels).
/// </summary>
/// <param name="FromSize">Height and width of the low-resolution image.</param>
/// <param name="ImageSize">Height and width of the stage's images (the network's InputSize).</param>
/// <param name="Channels">Channels of both images.</param>
/// <param name="Augmentation">How training corrupts the low-resolution image.</param>
/// <param name="MinLevel">Lowest Gaussian level drawn (Gaussian only; else 0).</param>
/// <param name="MaxLevel">Highest Gaussian level drawn (Gaussian only; else 0).</param>
/// <param name="MinBlurSigma">Smallest blur sigma drawn (Blur only; else 0).</param>
/// <param name="MaxBlurSigma">Largest blur sigma drawn (Blur only; else 0).</param>
/// <param name="SamplingLevel">The declared level at sampling.</param>
internal sealed record SuperResolutionSpec(
    int FromSize,
    int ImageSize,
    int Channels,
    NoiseAugmentation Augmentation,
    int MinLevel,
    int MaxLevel,
    double MinBlurSigma,
    double MaxBlurSigma,
    double SamplingLevel)
{
    /// <summary>f = ImageSize / FromSize, the side of the area average's blocks.</summary>
    public int Factor => ImageSize / FromSize;
}
