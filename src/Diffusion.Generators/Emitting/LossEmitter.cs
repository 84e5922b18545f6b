using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Loss.g.cs: the declared objective (L_simple with its weighting, the hybrid objective or the
/// variational bound) on the forward process of Ho et al. 2020 (Algorithm 1), with label dropout when labelled.
/// </summary>
internal static class LossEmitter
{
    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        var network = m.Network.Type.FullName;
        var schedule = m.Schedule.Type.FullName;
        bool labelled = m.Network.IsClassConditional;
        var weight = m.Objective == Objective.VariationalBound ? null : LossWeights.Expression(m.Predicts, m.Weighting);
        w.Line("/// <summary>The training objective of " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        if (m.Objective == Objective.Hybrid)
        {
            w.Lines(
                "/// <summary>lambda of L_hybrid = L_simple + lambda L_vlb (Nichol and Dhariwal 2021, Sec. 3.1).</summary>",
                "public const double VariationalBoundWeight = 0.001;",
                "");
        }
        if (weight is not null)
        {
            EmitWeights(w, m, weight);
        }
        w.Lines(
            "/// <summary>",
            Summary(m, labelled),
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
            "var xt = Schedule.QSample(x0, t, noise);    // (N, C, H, W)",
            "");
        int step = 4;
        if (labelled)
        {
            w.Lines(
                "// 4. Classifier-free label dropout: y = null label with probability p_uncond (Ho and Salimans 2022, Algorithm 1, line 3)",
                "var drop = " + Torch + ".rand(new long[] { n }, generator: generator, device: x0.device) < " + network + ".LabelDropRate;    // (N) bool",
                "var nullLabels = " + Torch + ".full(new long[] { n }, " + network + ".NullLabel, dtype: " + Int64 + ", device: labels.device);    // (N)",
                "var y = " + Torch + ".where(drop.to(labels.device), nullLabels, labels);    // (N)",
                "");
            step++;
        }
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Line("// " + Int(step++) + ". The network's output at (x_t, t" + (labelled ? ", y" : "") + ")");
        w.Line("var output = Network.call(xt, t, " + (labelled ? "y" : "null") + ");    // (N, " + channels + ", H, W)");
        if (m.Objective == Objective.VariationalBound)
        {
            w.Lines(
                "",
                "// " + Int(step) + ". L_vlb = sum_t L_t, estimated as T E_t[L_t] in bits per dimension (Ho et al. 2020, Eq. 5; Nichol and Dhariwal 2021, Eq. 4-6)",
                "var loss = " + schedule + ".Timesteps * VariationalBoundTerms(x0, xt, t, output).mean();    // ()",
                "return loss.MoveToOuterDisposeScope();");
            w.Close();
            w.Close();
            return w.ToString();
        }
        if (m.LearnsVariance)
        {
            w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
        }
        else
        {
            w.Line("var prediction = output;    // (N, C, H, W)");
        }
        w.Lines(
            "",
            "// " + Int(step++) + ". The target from the parameterization hub",
            "var sqrtAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var target = TrainingTarget(x0, noise, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // (N, C, H, W)",
            "");
        if (weight is null)
        {
            w.Lines(
                "// " + Int(step++) + ". L_simple = mean || target - prediction ||^2 (Ho et al. 2020, Eq. 14)",
                "var simple = " + Functional + ".mse_loss(prediction, target);    // ()");
        }
        else
        {
            w.Lines(
                "// " + Int(step++) + ". L_simple = mean lambda(t) / w(t) || target - prediction ||^2: lambda(t) || x_0 - x0_hat ||^2 with lambda = " + LossWeights.Lambda(m.Weighting) + " (LossWeights)",
                "var weight = " + NoiseSchedule + ".Gather(LossWeights, t, x0.dim());    // (N, 1, 1, 1)",
                "var simple = (weight * (prediction - target).pow(2)).mean();    // ()");
        }
        if (m.Objective == Objective.Hybrid)
        {
            w.Lines(
                "",
                "// " + Int(step++) + ". L_vlb with the mean's gradient stopped, so it trains only the variance (Nichol and Dhariwal 2021, Sec. 3.1)",
                "var frozen = " + Torch + ".cat(new[] { prediction.detach(), varianceValues }, 1);    // (N, 2C, H, W)",
                "var vlb = " + schedule + ".Timesteps * VariationalBoundTerms(x0, xt, t, frozen).mean();    // (): T E_t[L_t] in bits per dimension",
                "",
                "// " + Int(step) + ". L_hybrid = L_simple + lambda L_vlb",
                "var loss = simple + VariationalBoundWeight * vlb;    // ()",
                "return loss.MoveToOuterDisposeScope();");
        }
        else
        {
            w.Line("return simple.MoveToOuterDisposeScope();");
        }
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static string Summary(ModelSpec m, bool labelled)
    {
        var call = "output(x_t, t" + (labelled ? ", y" : "") + ")";
        return m.Objective switch
        {
            Objective.Hybrid => "/// L_hybrid = L_simple + lambda L_vlb (Nichol and Dhariwal 2021, Sec. 3.1), L_simple = E || target - " + call + " ||^2, for a batch",
            Objective.VariationalBound => "/// L_vlb = sum_t L_t (Ho et al. 2020, Eq. 5), estimated at one random t per sample, for a batch",
            _ => "/// L_simple = E_{t, x_0, eps} || target - " + call + " ||^2 (Ho et al. 2020, Algorithm 1 and Eq. 14) for a batch",
        };
    }

    private static void EmitWeights(CodeWriter w, ModelSpec m, string weight)
    {
        w.Lines(
            "/// <summary>",
            "/// The factor w(t) = " + LossWeights.Formula(m.Predicts, m.Weighting) + " on the prediction's squared error: lambda(t) = " + LossWeights.Lambda(m.Weighting) + " on",
            "/// || x_0 - x0_hat ||^2, divided by the weight " + LossWeights.Native(m.Predicts) + " that the " + m.Predicts + " error carries there (Kingma et al. 2021, Sec. 5" + (m.Weighting == LossWeighting.MinSnr ? "; Hang et al. 2023, Eq. 8" : m.Weighting == LossWeighting.TruncatedSnr ? "; Salimans and Ho 2022, Sec. 4" : "") + ").",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public static double LossWeight(double snr)");
        if (m.Weighting == LossWeighting.MinSnr)
            w.Line("const double gamma = " + Double(m.MinSnrGamma) + ";    // min-SNR-gamma");
        w.Line("return " + weight + ";");
        w.Close();
        w.Line();
        w.Lines(
            "/// <summary>w(t) for t = 0..T-1, from the schedule's SNR(t) = abar_t / (1 - abar_t), built once.</summary>",
            "private double[]? lossWeights;",
            "",
            "private double[] LossWeights => lossWeights ??= global::System.Linq.Enumerable.ToArray(global::System.Linq.Enumerable.Select(Schedule.SignalToNoise, LossWeight));",
            "");
    }
}
