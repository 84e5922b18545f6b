using Diffusion.Dsl;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting;

/// <summary>Emits {Namespace}.{Type}.Schedule.g.cs: T as a constant and Create().</summary>
internal static class ScheduleEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(ScheduleSpec spec)
    {
        var w = new CodeWriter();
        w.Header(spec.Type);
        w.Aliases(ScheduleAliases.All, spec.Shadowed);
        var noiseSchedule = spec.Shadowed.Contains("NoiseSchedule") ? ScheduleAliases.All[0].Target : "NoiseSchedule";
        var kind = spec.Kind.ToString();
        var declaration = "ScheduleKind." + kind + ", Timesteps = " + CodeWriter.Int(spec.Timesteps)
            + (spec.ZeroTerminalSnr ? ", ZeroTerminalSnr = true" : "");
        w.Lines(
            "/// <summary>",
            "/// The noise schedule declared by <c>[NoiseSchedule(" + declaration + ")]</c>:",
            "/// the forward process q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) (Ho et al. 2020, Eq. 4) over",
            "/// T = " + CodeWriter.Int(spec.Timesteps) + " training timesteps with",
            spec.Kind switch
            {
                ScheduleKind.Cosine => "/// cosine betas (Nichol and Dhariwal 2021, Eq. 17)" + (spec.ZeroTerminalSnr ? "," : "."),
                ScheduleKind.ScaledLinear => "/// scaled-linear betas (Rombach et al. 2022; diffusers' scaled_linear)" + (spec.ZeroTerminalSnr ? "," : "."),
                _ => "/// linearly rising betas (Ho et al. 2020, Sec. 4)" + (spec.ZeroTerminalSnr ? "," : "."),
            });
        if (spec.ZeroTerminalSnr)
            w.Line("/// rescaled to a zero terminal signal-to-noise ratio, abar_T = 0 (Lin et al. 2024, Algorithm 1).");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + CodeWriter.Identifier(spec.Type.Name));
        w.Lines(
            "/// <summary>T, the number of training timesteps; the network sees t in 0..T-1.</summary>",
            "public const int Timesteps = " + CodeWriter.Int(spec.Timesteps) + ";",
            "",
            "/// <summary>");
        switch (spec.Kind)
        {
            case ScheduleKind.Cosine:
                w.Lines(
                    "/// Builds the float64 tables of the schedule: abar(t) = f(t) / f(0),",
                    "/// f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2), s = 0.008, beta_t = 1 - abar(t) / abar(t - 1) clipped to at",
                    "/// most 0.999 (Nichol and Dhariwal 2021, Eq. 17).");
                break;
            case ScheduleKind.ScaledLinear:
                w.Lines(
                    "/// Builds the float64 tables of the schedule: sqrt(beta_t) rises linearly from sqrt(0.00085) to",
                    "/// sqrt(0.012) (Rombach et al. 2022, as diffusers' scaled_linear).");
                break;
            default:
                w.Lines(
                    "/// Builds the float64 tables of the schedule: beta_t rises linearly from 1e-4 to 0.02, both ends scaled",
                    "/// by 1000 / T (Ho et al. 2020, Sec. 4; improved-diffusion's scaling for other T).");
                break;
        }
        if (spec.ZeroTerminalSnr)
            w.Lines(
                "/// Then sqrt(abar_t) is shifted and scaled to end at 0 and keep its first value (Lin et al. 2024,",
                "/// Algorithm 1).");
        w.Lines(
            "/// </summary>",
            "public static " + noiseSchedule + " Create() =>",
            "    " + noiseSchedule + "." + kind + "(Timesteps)" + (spec.ZeroTerminalSnr ? ".RescaleToZeroTerminalSnr()" : "") + ";");
        w.Close();
        yield return (spec.Type.HintName("Schedule"), w.ToString());
    }
}
