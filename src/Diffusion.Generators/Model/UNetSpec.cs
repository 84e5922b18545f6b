namespace Diffusion.Generators.Model;

/// <summary>A [UNet] declaration: the pyramid, and the label embedding beside it.</summary>
/// <param name="Shadowed">Names of <see cref="UNetAliases"/> taken in the declaration's namespace or class, written in
/// full by the generated file (sorted; usually empty).</param>
internal sealed record UNetSpec(
    TypeName Type,
    UNetShape Shape,
    int Classes,
    double LabelDropRate,
    bool LearnSigma,
    EquatableArray<string> Shadowed = default,
    TextConditioningSpec? TextConditioning = null)
    : NetworkSpec(Type, Shape.InputSize, Shape.InChannels, Classes, LabelDropRate, LearnSigma)
{
    /// <summary>The pooled text embedding added to the timestep embedding (Saharia et al. 2022, Sec. 2), or null.</summary>
    public override TextConditioningSpec? Text => TextConditioning;
}
