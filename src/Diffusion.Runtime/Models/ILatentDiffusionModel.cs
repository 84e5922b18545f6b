using Diffusion.Dsl;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A diffusion model on the latents of a frozen autoencoder (Rombach et al. 2022); the generator implements it on every
/// <see cref="LatentDiffusionAttribute"/> class. Its <see cref="IDiffusionModel.Sample"/> denoises latents and decodes
/// them once, returning images; <see cref="ITrainableModel.Network"/> holds the denoising network, the frozen
/// autoencoder and the latent scale factor, so a checkpoint samples on its own.
/// </summary>
public interface ILatentDiffusionModel : IDiffusionModel
{
    /// <summary>The frozen autoencoder whose latents the model denoises.</summary>
    IAutoencoder Autoencoder { get; }

    /// <summary>How training encodes an image: a posterior sample or its mean.</summary>
    LatentEncoding Encoding { get; }

    /// <summary>
    /// The latent scale factor s (Rombach et al. 2022, Sec. 4.3.2): the diffusion runs on s z, with s = 1 / std(z) over
    /// the training latents (<see cref="Training.LatentScaleFactor"/>), set once before training and stored in the
    /// checkpoint; 1 until then.
    /// </summary>
    double LatentScale { get; set; }

    /// <summary>The scaled latent s z (N, c, h, w) of a posterior q(z | x): z a sample from <paramref name="generator"/> or the mean, as declared.</summary>
    Tensor LatentsFromPosterior(DiagonalGaussian posterior, Generator generator);

    /// <summary>Images (N, C, H, W) decoded from scaled latents s z (N, c, h, w): the decoder at z = latents / s.</summary>
    Tensor DecodeLatents(Tensor latents);

    /// <summary>
    /// The diffusion loss on the scaled latent of <paramref name="posterior"/> (drawn first from
    /// <paramref name="generator"/>, then the loss's own draws): what training optimises.
    /// </summary>
    Tensor LatentTrainingLoss(DiagonalGaussian posterior, Tensor? labels, Generator generator);

    /// <summary>A declared sampler's denoised latents s z (N, c, h, w), not decoded.</summary>
    Tensor SampleLatents(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, System.Action<int, Tensor>? onStep = null);
}
