using Diffusion.Dsl;

namespace HostTestApp;

/// <summary>
/// A KL-f2 autoencoder for the RGB images at 16x16: 8 channels, then 16 at 8x8, to an 8x8 latent of 2 channels; named
/// rgb-ae on the command line.
/// </summary>
[Autoencoder(InputSize = 16, InChannels = 3, DownsamplingFactor = 2, LatentChannels = 2, BaseChannels = 8,
             ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1, NormGroups = 4, CommandName = "rgb-ae")]
public partial class RgbAutoencoder;
