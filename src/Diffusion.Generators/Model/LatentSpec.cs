using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>
/// A [LatentDiffusion] on a [DiffusionModel] (Rombach et al. 2022): the frozen autoencoder whose latents the model
/// denoises and how training encodes an image. Built only when the network takes the autoencoder's latent.
/// </summary>
/// <param name="Autoencoder">The [Autoencoder] class.</param>
/// <param name="Encoding">A posterior sample or its mean, per training step.</param>
/// <param name="ImageSize">Height and width of the images (the autoencoder's InputSize).</param>
/// <param name="ImageChannels">Channels of the images (the autoencoder's InChannels).</param>
/// <param name="DownsamplingFactor">f: the latent is f times smaller than the image.</param>
/// <param name="LatentChannels">Channels of the latent (the network's InChannels).</param>
internal sealed record LatentSpec(
    TypeName Autoencoder,
    LatentEncoding Encoding,
    int ImageSize,
    int ImageChannels,
    int DownsamplingFactor,
    int LatentChannels)
{
    /// <summary>Height and width of the latent (the network's InputSize).</summary>
    public int LatentSize => ImageSize / DownsamplingFactor;
}
