using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a U-Net denoiser in the style of DDPM and ADM (Ho et al. 2020; Dhariwal and Nichol 2021, "Diffusion Models
/// Beat GANs"): an input convolution, then one pyramid level per entry of <see cref="ChannelMultipliers"/> with
/// <see cref="ResBlocks"/> residual blocks each and a stride-2 downsampling between levels, a middle of residual block,
/// self-attention and residual block, and the mirrored upsampling path whose every block takes the matching
/// down-path activation as a skip connection. Self-attention follows every residual block at the resolutions listed in
/// <see cref="AttentionResolutions"/>. The timestep embedding (and the label embedding of a
/// <see cref="LabelEmbeddingAttribute"/> beside it) enters every residual block. The generator writes the forward pass
/// unrolled, one line per block with its shape.
/// </summary>
/// <example><code>
/// [UNet(InputSize = 28, InChannels = 1, BaseChannels = 64, ChannelMultipliers = new[] { 1, 2, 2 }, ResBlocks = 2,
///       AttentionResolutions = new[] { 7 }, Heads = 4, Dropout = 0.1)]
/// [LabelEmbedding(Classes = 10, DropRate = 0.1)]
/// public partial class MnistUNet;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class UNetAttribute : Attribute
{
    /// <summary>Height and width of the (square) input; 2^(levels - 1) must divide it so every level halves exactly.</summary>
    public int InputSize { get; set; }

    /// <summary>Channels of the input (1 for MNIST, 3 for RGB).</summary>
    public int InChannels { get; set; }

    /// <summary>Channels of the first level; level i has BaseChannels * ChannelMultipliers[i].</summary>
    public int BaseChannels { get; set; } = 64;

    /// <summary>One multiplier per resolution, from the input resolution down (ADM uses 1, 2, 2, 2 at 32x32).</summary>
    public int[] ChannelMultipliers { get; set; } = { 1, 2, 2 };

    /// <summary>Residual blocks per level on the way down (the way up has one more, for the downsampling's skip).</summary>
    public int ResBlocks { get; set; } = 2;

    /// <summary>Resolutions (in pixels, such as 14 or 7) at which self-attention follows each residual block; every one must be a level of the pyramid.</summary>
    public int[] AttentionResolutions { get; set; } = Array.Empty<int>();

    /// <summary>Heads of every self-attention layer; must divide the channels at each attention resolution.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>Dropout before the second convolution of every residual block, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>
    /// How the timestep embedding enters a residual block: true for ADM's scale-shift normalisation
    /// (GroupNorm(h) (1 + scale) + shift), false for DDPM's addition to the activations.
    /// </summary>
    public bool ScaleShiftNorm { get; set; } = true;

    /// <summary>Groups of every GroupNorm (32 as in DDPM and ADM); must divide every level's channels.</summary>
    public int NormGroups { get; set; } = 32;

    /// <summary>Whether the output also carries the variance values of a learned reverse variance (2C channels).</summary>
    public bool LearnSigma { get; set; }
}
