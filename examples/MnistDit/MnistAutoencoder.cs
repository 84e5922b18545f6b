using Diffusion.Dsl;

namespace Examples.Mnist;

/// <summary>
/// A KL-f4 autoencoder for 28x28 digits (Rombach et al. 2022): 32 channels at 28x28, 64 at 14x14 and 7x7, one residual
/// block per level in the encoder and two in the decoder, to a 7x7 latent of 4 channels (196 numbers for 784 pixels),
/// with the paper's KL weight 1e-6; named ae on the command line. A latent diffusion model on its latents sees the DiT's
/// 49 tokens at patch size 1.
/// </summary>
[Autoencoder(InputSize = 28, InChannels = 1, DownsamplingFactor = 4, LatentChannels = 4, BaseChannels = 32,
             ChannelMultipliers = new[] { 1, 2, 2 }, ResBlocks = 1, NormGroups = 8, KlWeight = 1e-6, CommandName = "ae")]
public partial class MnistAutoencoder;
