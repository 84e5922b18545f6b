using System;

namespace Diffusion.Dsl;

/// <summary>
/// Makes the <see cref="DiffusionModelAttribute"/> class it is placed on a super-resolution stage of a cascade (Ho et al.
/// 2021, "Cascaded Diffusion Models", Sec. 3): it generates images of its network's InputSize conditioned on a
/// low-resolution image of <see cref="FromSize"/> x <see cref="FromSize"/> with the same channels. The low-resolution
/// image is upsampled bilinearly to InputSize and concatenated with x_t on channels, so the network declares those
/// channels with <see cref="LowResolutionConditioningAttribute"/>.
/// </summary>
/// <remarks>
/// Training makes its own conditioning from each full-size training image: an area average down to FromSize (the
/// factor InputSize / FromSize must be an integer), noise conditioning augmentation as <see cref="Augmentation"/> says
/// (Ho et al. 2021, Sec. 4.1 and 4.2), then the bilinear upsampling. Classifier-free guidance's null label drops the
/// class, never the low-resolution image. At sampling the augmentation is applied once at a fixed level
/// (<see cref="SamplingLevel"/>, or the command line's <c>--augmentation-level</c>); level 0 is no augmentation.
/// </remarks>
/// <example><code>
/// [DiffusionModel(typeof(MnistSchedule), typeof(Sr28Dit))]
/// [SuperResolution(FromSize = 14, Augmentation = NoiseAugmentation.Gaussian, MaxLevel = 250)]
/// [Sampler(SamplerKind.Ddim)]
/// public partial class MnistSr28;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SuperResolutionAttribute : Attribute
{
    /// <summary>Height and width of the low-resolution image; it must divide the network's InputSize.</summary>
    public int FromSize { get; set; }

    /// <summary>How training corrupts the low-resolution image (Ho et al. 2021, Sec. 4.1 and 4.2).</summary>
    public NoiseAugmentation Augmentation { get; set; } = NoiseAugmentation.Gaussian;

    /// <summary>
    /// Lowest Gaussian augmentation level s drawn in training: s steps of the stage's own forward process, with
    /// abar_0 = 1 (Ho et al. 2020's 1-based t), so s = 0 leaves the image as it is.
    /// </summary>
    public int MinLevel { get; set; }

    /// <summary>Highest Gaussian augmentation level s drawn in training; at most the schedule's T.</summary>
    public int MaxLevel { get; set; } = 250;

    /// <summary>Smallest blur standard deviation drawn in training, in low-resolution pixels.</summary>
    public double MinBlurSigma { get; set; } = 0.4;

    /// <summary>Largest blur standard deviation drawn in training, in low-resolution pixels.</summary>
    public double MaxBlurSigma { get; set; } = 0.6;

    /// <summary>
    /// The fixed augmentation level at sampling: a Gaussian level s (a whole number of steps, 0 = none) or a blur
    /// sigma (0 = none). Ho et al. 2021, Sec. 4.1, sweep it; 0, the default, conditions on the stage below as it is.
    /// </summary>
    public double SamplingLevel { get; set; }
}
