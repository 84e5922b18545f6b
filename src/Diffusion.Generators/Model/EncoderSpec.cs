namespace Diffusion.Generators.Model;

/// <summary>A [UNetEncoder] declaration: the pyramid's down path and middle, then a pooled head of <paramref name="Outputs"/> logits.</summary>
/// <param name="Shadowed">Names of <see cref="UNetAliases"/> taken in the declaration's namespace or class, written in
/// full by the generated file (sorted; usually empty).</param>
internal sealed record EncoderSpec(TypeName Type, UNetShape Shape, int Outputs, EquatableArray<string> Shadowed = default);
