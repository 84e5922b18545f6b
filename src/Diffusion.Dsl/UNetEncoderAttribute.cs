using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares the encoder half of a U-Net with a pooled head (ADM's EncoderUNetModel; Dhariwal and Nichol 2021, Sec. 4):
/// the input convolution, the down path and the middle of a <see cref="UNetAttribute"/> with the same options, then
/// GroupNorm, SiLU, global average pooling and a linear layer to <see cref="Outputs"/> logits. Its forward pass takes
/// x_t and the timestep t, as the noisy classifier of a <see cref="NoisyClassifierAttribute"/> needs.
/// </summary>
/// <example><code>
/// [UNetEncoder(InputSize = 28, InChannels = 1, Outputs = 10, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2 },
///              ResBlocks = 1, AttentionResolutions = new[] { 7 })]
/// public partial class MnistClassifierEncoder;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class UNetEncoderAttribute : Attribute
{
    /// <summary>Height and width of the (square) input; 2^(levels - 1) must divide it.</summary>
    public int InputSize { get; set; }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; set; }

    /// <summary>Logits of the head (the number of classes of a classifier).</summary>
    public int Outputs { get; set; }

    /// <summary>Channels of the first level.</summary>
    public int BaseChannels { get; set; } = 64;

    /// <summary>One multiplier per resolution, from the input resolution down.</summary>
    public int[] ChannelMultipliers { get; set; } = { 1, 2, 2 };

    /// <summary>Residual blocks per level.</summary>
    public int ResBlocks { get; set; } = 2;

    /// <summary>Resolutions at which self-attention follows each residual block; each must be a level of the pyramid.</summary>
    public int[] AttentionResolutions { get; set; } = Array.Empty<int>();

    /// <summary>Heads of every self-attention layer.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>Dropout in every residual block, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>ADM's scale-shift normalisation (true) or DDPM's additive timestep embedding (false).</summary>
    public bool ScaleShiftNorm { get; set; } = true;

    /// <summary>Groups of every GroupNorm; must divide every level's channels.</summary>
    public int NormGroups { get; set; } = 32;
}
