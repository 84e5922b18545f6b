namespace Diffusion.Generators.Model;

/// <summary>The pyramid shared by [UNet] and [UNetEncoder], resolved and checked.</summary>
/// <param name="InputSize">Input height and width (level 0's resolution).</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="BaseChannels">Channels of level 0 before its multiplier.</param>
/// <param name="Multipliers">One channel multiplier per level.</param>
/// <param name="ResBlocks">Residual blocks per level on the way down.</param>
/// <param name="AttentionResolutions">Resolutions with self-attention after each residual block.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Dropout">Residual-block dropout.</param>
/// <param name="ScaleShiftNorm">ADM's scale-shift normalisation, else additive embedding.</param>
/// <param name="NormGroups">GroupNorm groups.</param>
internal sealed record UNetShape(
    int InputSize,
    int InChannels,
    int BaseChannels,
    EquatableArray<int> Multipliers,
    int ResBlocks,
    EquatableArray<int> AttentionResolutions,
    int Heads,
    double Dropout,
    bool ScaleShiftNorm,
    int NormGroups)
{
    public int Levels => Multipliers.Length;

    /// <summary>Width of the timestep (and label) embedding, 4 x BaseChannels as in DDPM and ADM.</summary>
    public int EmbeddingWidth => 4 * BaseChannels;

    /// <summary>Channels of level <paramref name="level"/>.</summary>
    public int Channels(int level) => BaseChannels * Multipliers[level];

    /// <summary>Resolution of level <paramref name="level"/>: InputSize / 2^level.</summary>
    public int Resolution(int level) => InputSize >> level;

    public bool HasAttention(int level)
    {
        foreach (var resolution in AttentionResolutions)
        {
            if (resolution == Resolution(level)) return true;
        }
        return false;
    }
}
