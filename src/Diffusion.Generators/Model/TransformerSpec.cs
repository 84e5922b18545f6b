namespace Diffusion.Generators.Model;

/// <summary>A [DiffusionTransformer] declaration with every part resolved (presets expanded, defaults filled).</summary>
/// <param name="Type">The network class.</param>
/// <param name="InputSize">Input height and width.</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="PatchSize">p.</param>
/// <param name="Width">Hidden width D.</param>
/// <param name="Depth">Number of adaLN-Zero blocks.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpRatio">MLP hidden width over D.</param>
/// <param name="FrequencyDim">Sinusoidal timestep features.</param>
/// <param name="Classes">Number of classes, 0 when unconditional.</param>
/// <param name="LabelDropRate">Classifier-free label drop rate (0 when unconditional).</param>
/// <param name="Preset">The reference name such as "DiT-S/2" when declared by [DiTPreset], else null.</param>
/// <param name="LearnSigma">Whether the output also carries the variance values (2C channels).</param>
/// <param name="Shadowed">Names of <see cref="DiTAliases"/> taken in the declaration's namespace or class, written in
/// full by the generated file (sorted; usually empty).</param>
/// <param name="ConditioningChannels">Channels of the low-resolution image of a super-resolution stage
/// ([LowResolutionConditioning]; Ho et al. 2021, Sec. 3), concatenated with x_t; 0 for none.</param>
/// <param name="TextConditioning">The declared [TextConditioning], or null for a network without text.</param>
internal sealed record TransformerSpec(
    TypeName Type,
    int InputSize,
    int InChannels,
    int PatchSize,
    int Width,
    int Depth,
    int Heads,
    double MlpRatio,
    int FrequencyDim,
    int Classes,
    double LabelDropRate,
    string? Preset,
    bool LearnSigma,
    EquatableArray<string> Shadowed = default,
    int ConditioningChannels = 0,
    TextConditioningSpec? TextConditioning = null)
    : NetworkSpec(Type, InputSize, InChannels, Classes, LabelDropRate, LearnSigma)
{
    public int Grid => InputSize / PatchSize;

    public int Tokens => Grid * Grid;

    public int MlpHidden => (int)(Width * MlpRatio);

    /// <inheritdoc/>
    public override int LowResolutionChannels => ConditioningChannels;

    /// <inheritdoc/>
    public override TextConditioningSpec? Text => TextConditioning;
}
