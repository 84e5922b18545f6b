using System;

namespace Diffusion.Dsl;

/// <summary>
/// Makes the <see cref="DiffusionModelAttribute"/> class it is placed on a latent diffusion model (Rombach et al. 2022,
/// Sec. 3 and 4.3.2): the diffusion runs on the latents z of a frozen <see cref="AutoencoderAttribute"/> class, scaled
/// by the latent scale factor 1 / std(z) computed once from the training latents and stored in the checkpoint, and
/// sampling decodes the denoised latents once at the end. The model's network must take the autoencoder's latent:
/// InputSize = the autoencoder's InputSize / DownsamplingFactor, InChannels = its LatentChannels.
/// </summary>
/// <remarks>
/// Training encodes every image once through the frozen encoder (the posterior's mean and log-variance are cached) and
/// draws the latent per step as <see cref="Encoding"/> says. Samplers denoise latents; thresholding x0_hat to [-1, 1]
/// is for pixels and the command line samples latent models without it.
/// </remarks>
/// <example><code>
/// [DiffusionModel(typeof(MnistSchedule), typeof(LatentDit))]
/// [LatentDiffusion(typeof(MnistAutoencoder))]
/// [Sampler(SamplerKind.Ddim)]
/// public partial class MnistLatentDiffusion;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LatentDiffusionAttribute : Attribute
{
    /// <param name="autoencoder">The [Autoencoder] class whose latents the model denoises.</param>
    public LatentDiffusionAttribute(Type autoencoder) => Autoencoder = autoencoder;

    /// <summary>The [Autoencoder] class whose latents the model denoises.</summary>
    public Type Autoencoder { get; }

    /// <summary>How training encodes an image: a posterior sample (LDM's choice, the default) or its mean.</summary>
    public LatentEncoding Encoding { get; set; } = LatentEncoding.Sample;
}
