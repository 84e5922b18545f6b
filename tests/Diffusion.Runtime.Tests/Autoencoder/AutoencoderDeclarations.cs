using Diffusion.Dsl;

namespace Diffusion.Runtime.Tests.Autoencoder;

/// <summary>
/// A tiny KL-f2 autoencoder on 1x8x8 images: 8 channels at 8x8, 16 at 4x4, a 4x4 latent of 2 channels. Its KL weight
/// is large (0.5) so that the KL term is visible in the loss.
/// </summary>
[Autoencoder(InputSize = 8, InChannels = 1, DownsamplingFactor = 2, LatentChannels = 2, BaseChannels = 8,
             ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1, NormGroups = 4, KlWeight = 0.5)]
public partial class TinyAutoencoder;

/// <summary>f = 1: no downsampling, one level, a latent of the image's size.</summary>
[Autoencoder(InputSize = 4, InChannels = 3, DownsamplingFactor = 1, LatentChannels = 1, BaseChannels = 4,
             ChannelMultipliers = new[] { 1 }, ResBlocks = 2, NormGroups = 2)]
public partial class IdentityScaleAutoencoder;
