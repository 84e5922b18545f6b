namespace Diffusion.Generators.Model;

/// <summary>A [UNetEncoder] declaration: the pyramid's down path and middle, then a pooled head of <paramref name="Outputs"/> logits.</summary>
internal sealed record EncoderSpec(TypeName Type, UNetShape Shape, int Outputs);
