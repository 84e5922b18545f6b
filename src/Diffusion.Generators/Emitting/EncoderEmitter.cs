using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs for a [UNetEncoder]: the down path and middle of the U-Net, then a pooled
/// head (guided-diffusion's EncoderUNetModel with pool = "adaptive"), printed from its <see cref="UNetPlan"/>.
/// </summary>
internal static class EncoderEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(EncoderSpec n)
    {
        var plan = UNetPlan.Of(n);
        var tail = new[] { "Input x (N, C, H, W) float and t (N) int64 training timesteps; output (N, " + Int(n.Outputs) + ") logits." };
        yield return (n.Type.HintName("Network"),
            UNetParts.Print(plan, "The encoder half of a U-Net with a pooled head (Dhariwal and Nichol 2021, Sec. 4)", tail));
    }
}
