using Diffusion.Dsl;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>The two guidances every sampler's model output goes through: classifier (always) and classifier-free (when declared).</summary>
internal static class ClassifierGuidanceEmitter
{
    /// <summary>ClassifierGuidedOutput: eps_hat = eps - s sqrt(1 - abar_t) grad log p_phi(y | x_t) through the hub.</summary>
    public static void Emit(CodeWriter w, ModelSpec m, ModelNames names)
    {
        bool noise = m.Predicts == Prediction.Noise;
        var tensor = names.Tensor;
        var torch = names.Torch;
        w.Lines(
            "/// <summary>",
            "/// Classifier guidance (Dhariwal and Nichol 2021, Algorithm 2): the noise prediction becomes",
            "/// eps_hat = eps_theta(x_t, t) - s sqrt(1 - abar_t) grad_{x_t} log p_phi(y | x_t, t),",
            "/// the score of p(x_t) p_phi(y | x_t)^s.");
        w.Lines(noise
            ? new[] { "/// The network predicts eps, so eps_hat is the guided output; at s = 0 it is the output itself." }
            : new[]
            {
                "/// The network predicts " + m.Predicts + ": eps comes from the parameterization hub, and eps_hat goes back to the",
                "/// same kind of output with the x0_hat it implies.",
            });
        w.Lines(
            "/// DDPM and DDIM both use it (guided-diffusion's condition_score): in DDPM it moves the mean by",
            "/// s (beta_t / sqrt(alpha_t)) g, where Algorithm 1 (condition_mean) moves it by s Sigma_t g; the two agree where",
            "/// abar_t is small and differ near t = 0.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("private " + tensor + " ClassifierGuidedOutput", new[]
        {
            tensor + " output", tensor + " x", tensor + " t", "int step", tensor + " targets", names["ClassifierGuidance"] + " guidance",
        });
        w.Open();
        w.Line("using var scope = " + torch + ".NewDisposeScope();");
        w.Commented("var gradient = guidance.Classifier.LogProbabilityGradient(x, t, targets).to(x.dtype);", "grad_{x_t} log p_phi(y | x_t, t)");
        w.Lines(
            "var sqrtAlphaBar = " + torch + ".tensor(Schedule.SqrtAlphasCumprod[step], dtype: x.dtype, device: x.device);",
            "var sqrtOneMinusAlphaBar = " + torch + ".tensor(",
            "    Schedule.SqrtOneMinusAlphasCumprod[step], dtype: x.dtype, device: x.device);");
        ParameterizationEmitter.EmitMeanCoefficients(w, m, table => SamplerLoopEmitter.AtStep(names, table));
        if (m.LearnsVariance) w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
        ParameterizationEmitter.Call(w, m, "var (noise, _) = ToNoiseAndCleanSample",
            (m.LearnsVariance ? "prediction" : "output") + ", x", ";    // eps_theta");
        w.Lines(
            "using " + names["Scalar"] + " scale = guidance.Scale;    // disposed here, not left to the finalizer",
            "var guidedNoise = noise - sqrtOneMinusAlphaBar.mul(scale) * gradient;    // eps_hat (Algorithm 2, line 4)");
        var guided = "guidedNoise";
        if (!noise)
        {
            w.Line("var guidedCleanSample = (x - sqrtOneMinusAlphaBar * guidedNoise) / sqrtAlphaBar;    // Ho et al. 2020, Eq. 4");
            ParameterizationEmitter.Call(w, m, "var guided = TrainingTarget", "guidedCleanSample, guidedNoise",
                ";    // as " + m.Predicts);
            guided = "guided";
        }
        w.Line(m.LearnsVariance
            ? "return " + torch + ".cat(new[] { " + guided + ", varianceValues }, 1).MoveToOuterDisposeScope();    // variance values kept"
            : "return " + guided + ".MoveToOuterDisposeScope();");
        w.Close();
    }

    /// <summary>GuidedOutput: out(x_t, null) + w (out(x_t, y) - out(x_t, null)) in one batched pass.</summary>
    public static void EmitClassifierFree(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Lines(
            "/// <summary>",
            "/// Classifier-free guidance (Ho and Salimans 2022, Eq. 6):",
            "/// eps_hat = eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null)),",
            "/// the conditional and the null-label pass batched together in one call. Applied to the " + m.Predicts + " prediction:",
            "/// every prediction is affine in eps at fixed x_t and t, and the weights (1 - w) + w sum to 1, so this is the same",
            "/// guidance.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("private static " + tensor + " GuidedOutput", new[]
        {
            names["Denoiser"] + " model", tensor + " x", tensor + " t", tensor + " labels", "double guidanceScale",
        });
        w.Open();
        w.Lines(
            "using var scope = " + torch + ".NewDisposeScope();",
            "using " + names["Scalar"] + " one = 1, nullLabel = " + names.Network + ".NullLabel, scale = guidanceScale;    // disposed here",
            "var nullLabels = " + torch + ".full(labels.shape, nullLabel, dtype: " + torch + ".int64, device: labels.device);",
            "var both = model(",
            "    " + torch + ".cat(new[] { x, x }, 0), " + torch + ".cat(new[] { t, t }, 0), " + torch + ".cat(new[] { labels, nullLabels }, 0));",
            "var halves = both.chunk(2, 0);    // conditional, unconditional: (N, " + channels + ", H, W) each");
        if (m.LearnsVariance)
        {
            w.Lines(
                "var (conditional, varianceValues) = SplitOutput(halves[0]);    // (N, C, H, W) each",
                "var (unconditional, _) = SplitOutput(halves[1]);    // (N, C, H, W)",
                "var guided = unconditional.add((conditional - unconditional).mul(scale), one);",
                "// The conditional pass's variance values, as the reference DiT keeps them",
                "return " + torch + ".cat(new[] { guided, varianceValues }, 1).MoveToOuterDisposeScope();");
        }
        else
        {
            w.Commented("var guided = halves[1].add((halves[0] - halves[1]).mul(scale), one);", "out(x_t, null) + w (out(x_t, y) - out(x_t, null))");
            w.Line("return guided.MoveToOuterDisposeScope();");
        }
        w.Close();
    }
}
