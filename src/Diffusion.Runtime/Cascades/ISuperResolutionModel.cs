using System;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// A super-resolution stage of a cascade (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): a diffusion model
/// conditioned on a low-resolution image; the generator implements it on every <see cref="SuperResolutionAttribute"/>
/// class. Its <see cref="IDiffusionModel.Sample"/> needs a conditioned denoiser; <see cref="SampleFrom"/> makes it.
/// </summary>
public interface ISuperResolutionModel : IDiffusionModel
{
    /// <summary>Height and width of the low-resolution images it is conditioned on.</summary>
    int FromSize { get; }

    /// <summary>Height and width of the images it generates.</summary>
    int ImageSize { get; }

    /// <summary>How training augments the low-resolution image.</summary>
    NoiseAugmentation Augmentation { get; }

    /// <summary>The declared augmentation level at sampling (0: none).</summary>
    double SamplingLevel { get; }

    /// <summary>
    /// Samples images of <see cref="ImageSize"/> conditioned on <paramref name="lowResolution"/> (Count, C, FromSize,
    /// FromSize), augmented once at <paramref name="augmentationLevel"/> (default <see cref="SamplingLevel"/>), with
    /// the request's labels and guidance: the null label drops the class, not the low-resolution image.
    /// </summary>
    Tensor SampleFrom(Tensor lowResolution, SamplerKind sampler, SampleRequest request, Generator generator,
        double? augmentationLevel = null, Action<int, Tensor>? onStep = null);
}
