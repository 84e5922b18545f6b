using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a KL-regularised autoencoder (Rombach et al. 2022, Sec. 3 and Appendix G, "KL-f"): an encoder from an
/// <see cref="InputSize"/> x <see cref="InputSize"/> x <see cref="InChannels"/> image to the mean and log-variance of a
/// diagonal Gaussian posterior q(z | x) over a latent of (InputSize / <see cref="DownsamplingFactor"/>)^2 x
/// <see cref="LatentChannels"/>, and a decoder back to the image. The generator adds <c>Encode</c> (the posterior, with
/// its mean and a reparameterised sample), <c>Decode</c> and the training loss: the L1 reconstruction error plus
/// <see cref="KlWeight"/> times KL(q(z | x) || N(0, I)). The encoder and decoder are LDM's: per level
/// <see cref="ResBlocks"/> residual blocks (GroupNorm, SiLU, 3x3 convolutions) and a resampling, a middle of residual
/// block, self-attention and residual block at the lowest resolution.
/// </summary>
/// <example><code>
/// [Autoencoder(InputSize = 28, InChannels = 1, DownsamplingFactor = 4, LatentChannels = 4,
///              BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2 }, ResBlocks = 1, NormGroups = 8)]
/// public partial class MnistAutoencoder;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AutoencoderAttribute : Attribute
{
    /// <summary>Height and width of the (square) input; <see cref="DownsamplingFactor"/> must divide it.</summary>
    public int InputSize { get; set; }

    /// <summary>Channels of the input image (1 grayscale, 3 RGB).</summary>
    public int InChannels { get; set; }

    /// <summary>
    /// f: the latent is f times smaller than the input in height and width. A power of two: each of the log2 f
    /// downsamplings halves the resolution (Rombach et al. 2022 compare f = 1 to 32 and favour 4 to 16).
    /// </summary>
    public int DownsamplingFactor { get; set; } = 4;

    /// <summary>Channels of the latent z (the encoder outputs twice as many: mean and log-variance).</summary>
    public int LatentChannels { get; set; } = 4;

    /// <summary>Channels of the first level; level i has BaseChannels x ChannelMultipliers[i].</summary>
    public int BaseChannels { get; set; } = 64;

    /// <summary>
    /// One multiplier per resolution, from the input resolution down: log2(<see cref="DownsamplingFactor"/>) + 1 of
    /// them, as in LDM's <c>ch_mult</c>.
    /// </summary>
    public int[] ChannelMultipliers { get; set; } = { 1, 2, 2 };

    /// <summary>Residual blocks per level in the encoder (the decoder has one more per level, as in LDM).</summary>
    public int ResBlocks { get; set; } = 2;

    /// <summary>
    /// The weight of KL(q(z | x) || N(0, I)) against the reconstruction error, both summed over an image's elements and
    /// averaged over the batch. The default, 1e-6, is the paper's KL-f weight: it only keeps the latent's scale bounded
    /// and the posterior from collapsing to a point, so reconstructions stay nearly as good as a plain autoencoder's; the
    /// stored latent scale factor of a latent diffusion model brings the latents to unit variance afterwards. 0 turns
    /// the regulariser off; larger weights (1e-4 and up) trade reconstruction for latents closer to N(0, I).
    /// </summary>
    public double KlWeight { get; set; } = 1e-6;

    /// <summary>Groups of every GroupNorm; must divide every level's channels (32 in LDM).</summary>
    public int NormGroups { get; set; } = 32;

    /// <summary>
    /// Another name the command line's <c>--model</c> accepts for this autoencoder, in any case (such as "ae"): letters,
    /// digits, '-', '_' and '.', starting with a letter or digit. The class name is always accepted.
    /// </summary>
    public string? CommandName { get; set; }
}
