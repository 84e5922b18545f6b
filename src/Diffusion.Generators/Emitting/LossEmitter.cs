using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>Emits {Namespace}.{Type}.Loss.g.cs: L_simple of Ho et al. 2020 (Algorithm 1), with label dropout when labelled.</summary>
internal static class LossEmitter
{
    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        var network = m.Network.Type.FullName;
        var schedule = m.Schedule.Type.FullName;
        bool labelled = m.Network.IsClassConditional;
        w.Lines(
            "/// <summary>The training objective of " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        w.Lines(
            "/// <summary>",
            "/// L_simple = E_{t, x_0, eps} || target - output(x_t, t" + (labelled ? ", y" : "") + ") ||^2 (Ho et al. 2020, Algorithm 1 and Eq. 14) for a batch",
            "/// x0 (N, C, H, W) in [-1, 1]" + (labelled ? " with labels (N, int64); labels are replaced by the null label with probability p_uncond (Ho and Salimans 2022, Algorithm 1)." : "; the model is unconditional, so labels must be null."),
            "/// Every random draw comes from <paramref name=\"generator\"/>. Returns a scalar.",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation: x0 = x_0, t = t (0-based), noise = eps, xt = x_t, abar_t = Schedule.AlphasCumprod[t]" + (labelled ? ", y = the labels after dropout." : "."),
            "/// </remarks>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " TrainingLoss(" + Tensor + " x0, " + Tensor + "? labels, " + Generator + " generator)");
        w.Line("if (x0 is null) throw new global::System.ArgumentNullException(nameof(x0));");
        w.Line("if (generator is null) throw new global::System.ArgumentNullException(nameof(generator));");
        if (labelled)
        {
            w.Line("if (labels is null) throw new global::System.ArgumentNullException(nameof(labels), \"" + m.Type.Name + " is class-conditional: pass labels (N, int64) in 0.." + Int(m.Network.Classes - 1) + ".\");");
        }
        else
        {
            w.Line("if (labels is not null) throw new global::System.ArgumentException(\"" + m.Type.Name + " is unconditional: pass null labels.\", nameof(labels));");
        }
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "long n = x0.shape[0];",
            "",
            "// 1. t ~ Uniform{0, ..., T - 1} (Ho et al. 2020, Algorithm 1, line 3; 0-based)",
            "var t = " + Torch + ".randint(0, " + schedule + ".Timesteps, new long[] { n }, dtype: " + Int64 + ", device: x0.device, generator: generator);    // (N)",
            "",
            "// 2. eps ~ N(0, I) (Algorithm 1, line 4)",
            "var noise = " + Torch + ".randn(x0.shape, generator: generator, device: x0.device);    // (N, C, H, W)",
            "",
            "// 3. x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4)",
            "var sqrtAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var xt = sqrtAlphaBar * x0 + sqrtOneMinusAlphaBar * noise;    // (N, C, H, W)",
            "");
        if (labelled)
        {
            w.Lines(
                "// 4. Classifier-free label dropout: y = null label with probability p_uncond (Ho and Salimans 2022, Algorithm 1, line 3)",
                "var drop = " + Torch + ".rand(new long[] { n }, generator: generator, device: x0.device) < " + network + ".LabelDropRate;    // (N) bool",
                "var nullLabels = " + Torch + ".full(new long[] { n }, " + network + ".NullLabel, dtype: " + Int64 + ", device: labels.device);    // (N)",
                "var y = " + Torch + ".where(drop.to(labels.device), nullLabels, labels);    // (N)",
                "",
                "// 5. The network's output at (x_t, t, y)",
                "var output = Network.call(xt, t, y);    // (N, C, H, W)");
        }
        else
        {
            w.Lines(
                "// 4. The network's output at (x_t, t)",
                "var output = Network.call(xt, t, null);    // (N, C, H, W)");
        }
        w.Lines(
            "",
            "// " + (labelled ? "6" : "5") + ". L_simple = mean || target - output ||^2 (Ho et al. 2020, Eq. 14); the target comes from the parameterization hub",
            "var loss = " + Functional + ".mse_loss(output, TrainingTarget(x0, noise));    // ()",
            "return loss.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
