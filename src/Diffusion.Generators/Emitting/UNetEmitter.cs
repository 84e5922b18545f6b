using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs for a [UNet]: guided-diffusion's UNetModel (Ho et al. 2020; Dhariwal and
/// Nichol 2021, ADM) as a TorchSharp module, printed from its <see cref="UNetPlan"/>.
/// </summary>
internal static class UNetEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(UNetSpec n)
    {
        var plan = UNetPlan.Of(n);
        var s = n.Shape;
        var tail = new[]
        {
            "Timestep embedding of width " + Int(s.EmbeddingWidth) + (s.ScaleShiftNorm
                ? ", entering every residual block by scale-shift normalisation;"
                : ", added in every residual block;"),
            n.IsClassConditional
                ? Int(n.Classes) + " classes plus the null label " + Int(n.Classes) + " (dropped with rate " + Double(n.LabelDropRate) + " by the training loss)."
                : n.Text is { } text
                    ? "text-conditioned (Saharia et al. 2022, Sec. 2): the pooled embedding (" + Int(text.PooledDim) + ") added to the timestep\n"
                        + "embedding, the null embedding in place of the text at rate " + Double(text.DropRate) + " in training"
                        + (text.CrossAttention
                            ? ";\ncross-attention over up to " + Int(text.MaxTokens) + " tokens (" + Int(text.TokenDim) + ") after every attention block"
                                + " (Rombach et al. 2022, Sec. 3.3)."
                            : ".")
                    : "unconditional (no label embedding).",
        };
        yield return (n.Type.HintName("Network"), UNetParts.Print(plan, "The U-Net (Ho et al. 2020; Dhariwal and Nichol 2021, ADM)", tail));
    }
}
