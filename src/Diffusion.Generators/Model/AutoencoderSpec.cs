namespace Diffusion.Generators.Model;

/// <summary>
/// An [Autoencoder] declaration (Rombach et al. 2022, KL-f): the image, the latent, the pyramid between them and the
/// KL weight. Valid by construction: the parser builds it only when every check passed.
/// </summary>
/// <param name="Type">The declared class.</param>
/// <param name="InputSize">Height and width of the image.</param>
/// <param name="InChannels">Channels of the image.</param>
/// <param name="DownsamplingFactor">f, 2^(levels - 1).</param>
/// <param name="LatentChannels">Channels of the latent.</param>
/// <param name="BaseChannels">Channels of level 0 before its multiplier.</param>
/// <param name="ChannelMultipliers">One per level, from the input resolution down.</param>
/// <param name="ResBlocks">Residual blocks per encoder level (the decoder has one more).</param>
/// <param name="KlWeight">The weight of the KL term, at least 0.</param>
/// <param name="NormGroups">Groups of every GroupNorm.</param>
/// <param name="Shadowed">Names of <see cref="AutoencoderAliases"/> taken in the declaration's namespace or class,
/// written in full by the generated files (sorted; usually empty).</param>
internal sealed record AutoencoderSpec(
    TypeName Type,
    int InputSize,
    int InChannels,
    int DownsamplingFactor,
    int LatentChannels,
    int BaseChannels,
    EquatableArray<int> ChannelMultipliers,
    int ResBlocks,
    double KlWeight,
    int NormGroups,
    EquatableArray<string> Shadowed = default)
{
    /// <summary>Resolutions of the pyramid, log2 f + 1.</summary>
    public int Levels => ChannelMultipliers.Length;

    /// <summary>Height and width of the latent.</summary>
    public int LatentSize => InputSize / DownsamplingFactor;

    /// <summary>Channels of <paramref name="level"/>.</summary>
    public int Channels(int level) => BaseChannels * ChannelMultipliers[level];

    /// <summary>Height and width at <paramref name="level"/>.</summary>
    public int Resolution(int level) => InputSize >> level;
}
