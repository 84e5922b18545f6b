using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A KL-regularised autoencoder (Rombach et al. 2022, Sec. 3); the generator implements it on every
/// <c>[Autoencoder]</c> class. Its training loss is the reconstruction error plus the weighted KL of the posterior to
/// N(0, I); the encoder and the decoder are callable on their own, so a latent diffusion model can encode its data once
/// and decode its samples.
/// </summary>
public interface IAutoencoder : ITrainableModel
{
    /// <summary>f: the latent is f times smaller than the image in height and width.</summary>
    int DownsamplingFactor { get; }

    /// <summary>Channels of the latent z.</summary>
    int LatentChannels { get; }

    /// <summary>Height and width of the latent, the image size / f.</summary>
    int LatentSize { get; }

    /// <summary>The weight of the KL term in the training loss.</summary>
    double KlWeight { get; }

    /// <summary>The posterior q(z | x) for images x (N, C, H, W) in [-1, 1]: a Gaussian over (N, LatentChannels, h, w).</summary>
    DiagonalGaussian Encode(Tensor x);

    /// <summary>Images (N, C, H, W) decoded from latents z (N, LatentChannels, h, w).</summary>
    Tensor Decode(Tensor z);
}
