using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Parameterization.g.cs: the one place that knows what the network predicts and how its
/// variance is parameterized. The loss, the variational bound and the samplers see only the normalised pair
/// (eps, x0_hat), the training target and the log variance, never the prediction kind.
/// </summary>
internal static class ParameterizationEmitter
{
    public static string Emit(ModelSpec m)
    {
        var names = new ModelNames(m);
        var tensor = names.Tensor;
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "Tensor");
        w.Lines(
            "/// <summary>",
            "/// The parameterization hub of " + m.Type.Name + ": the network predicts",
            "/// " + Describe(m.Predicts) + ".",
            "/// Every sampler, the loss and the variational bound go through these methods only. The coefficients",
            "/// a = sqrt(abar_t) and s = sqrt(1 - abar_t) are tensors that broadcast against x: (N, 1, 1, 1) per sample, or",
            "/// 0-dimensional.",
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        var coefficients = new[] { tensor + " sqrtAlphaBar", tensor + " sqrtOneMinusAlphaBar" };
        EmitToNoiseAndCleanSample(w, m.Predicts, tensor, coefficients);
        w.Line();
        w.Lines(
            "/// <summary>",
            "/// eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps): the noise",
            "/// consistent with a thresholded x0_hat (improved-diffusion's _predict_eps_from_xstart).",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public static " + tensor + " NoiseFromCleanSample", Parameters(tensor + " x", tensor + " cleanSample", coefficients), " =>");
        w.Line("    (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;");
        w.Line();
        EmitTrainingTarget(w, m.Predicts, tensor, coefficients);
        if (m.LearnsVariance)
        {
            w.Line();
            w.Lines(
                "/// <summary>",
                "/// The network output (N, 2C, H, W) split into the prediction (N, C, H, W) and the variance values v",
                "/// (N, C, H, W).",
                "/// </summary>");
            w.GeneratedCode();
            w.Open("public static (" + tensor + " Prediction, " + tensor + " VarianceValues) SplitOutput(" + tensor + " output)");
            w.Lines(
                "var halves = output.chunk(2, 1);    // the reference DiT's learn_sigma layout: prediction channels first",
                "return (halves[0], halves[1]);");
            w.Close();
            w.Line();
            w.Lines(
                "/// <summary>",
                "/// log Sigma_theta = f log beta_t + (1 - f) log beta~_t with f = (v + 1) / 2 (Nichol and Dhariwal 2021, Eq. 15;",
                "/// the network's v in [-1, 1] mapped to [0, 1] as improved-diffusion's learned_range does), element-wise.",
                "/// </summary>");
            w.GeneratedCode();
            w.Wrapped("public static " + tensor + " LearnedLogVariance", new[]
            {
                tensor + " varianceValues", tensor + " logBeta", tensor + " logPosteriorVariance",
            });
            w.Open();
            w.Lines(
                "var fraction = (varianceValues + 1.0) / 2.0;    // f = (v + 1) / 2",
                "return fraction * logBeta + (1.0 - fraction) * logPosteriorVariance;    // Eq. 15");
            w.Close();
        }
        w.Close();
        return w.ToString();
    }

    private static string[] Parameters(string first, string second, string[] coefficients) =>
        new[] { first, second, coefficients[0], coefficients[1] };

    private static void EmitToNoiseAndCleanSample(CodeWriter w, Prediction predicts, string tensor, string[] coefficients)
    {
        w.Line("/// <summary>The prediction at x_t as the pair (eps, x0_hat).</summary>");
        w.GeneratedCode();
        w.Wrapped("public static (" + tensor + " Noise, " + tensor + " CleanSample) ToNoiseAndCleanSample",
            Parameters(tensor + " prediction", tensor + " x", coefficients));
        w.Open();
        switch (predicts)
        {
            case Prediction.CleanSample:
                w.Commented("var cleanSample = prediction;", "x0_hat: the output is the clean sample (Ho et al. 2020, Sec. 3.2)");
                w.Commented("var noise = (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;",
                    "eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps)");
                break;
            case Prediction.Velocity:
                w.Commented("var cleanSample = sqrtAlphaBar * x - sqrtOneMinusAlphaBar * prediction;",
                    "x0_hat = sqrt(abar_t) x_t - sqrt(1 - abar_t) v (Salimans and Ho 2022, Appendix D)");
                w.Commented("var noise = sqrtOneMinusAlphaBar * x + sqrtAlphaBar * prediction;",
                    "eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v (same)");
                break;
            case Prediction.Score:
                w.Commented("var noise = -sqrtOneMinusAlphaBar * prediction;",
                    "eps = -sqrt(1 - abar_t) score: the score of q(x_t | x_0) (Ho et al. 2020, Eq. 4) is -eps / sqrt(1 - abar_t)");
                w.Commented("var cleanSample = (x + sqrtOneMinusAlphaBar * sqrtOneMinusAlphaBar * prediction) / sqrtAlphaBar;",
                    "x0_hat = (x_t + (1 - abar_t) score) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 with the eps above)");
                break;
            default:
                w.Commented("var noise = prediction;", "eps_theta(x_t, t): the output is the noise (Ho et al. 2020, Eq. 11)");
                w.Commented("var cleanSample = (x - sqrtOneMinusAlphaBar * noise) / sqrtAlphaBar;",
                    "x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 solved for x_0)");
                break;
        }
        w.Line("return (noise, cleanSample);");
        w.Close();
    }

    private static void EmitTrainingTarget(CodeWriter w, Prediction predicts, string tensor, string[] coefficients)
    {
        w.Line("/// <summary>What the network learns to output for x_0 noised with eps into x_t = a x_0 + s eps.</summary>");
        w.GeneratedCode();
        w.Wrapped("public static " + tensor + " TrainingTarget", Parameters(tensor + " x0", tensor + " noise", coefficients), " =>");
        switch (predicts)
        {
            case Prediction.CleanSample:
                w.Line("    x0;    // the clean sample itself (Ho et al. 2020, Sec. 3.2)");
                break;
            case Prediction.Velocity:
                Body(w, "sqrtAlphaBar * noise - sqrtOneMinusAlphaBar * x0;",
                    "v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4)");
                break;
            case Prediction.Score:
                Body(w, "-noise / sqrtOneMinusAlphaBar;",
                    "grad log q(x_t | x_0) = -eps / sqrt(1 - abar_t), denoising score matching (Song et al. 2021, Eq. 7)");
                break;
            default:
                w.Line("    noise;    // L_simple regresses eps (Ho et al. 2020, Eq. 14)");
                break;
        }
    }

    /// <summary>An expression body under its signature, with its comment after it or, when too long, above it.</summary>
    private static void Body(CodeWriter w, string code, string comment)
    {
        var line = "    " + code + "    // " + comment;
        if (4 + line.Length <= MaxLine)
        {
            w.Line(line);
            return;
        }
        w.Line("    // " + comment);
        w.Line("    " + code);
    }

    private static string Describe(Prediction predicts) => predicts switch
    {
        Prediction.CleanSample => "the clean sample x_0 (Ho et al. 2020, Sec. 3.2)",
        Prediction.Velocity => "the velocity v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4)",
        Prediction.Score => "the score grad log q(x_t), trained on grad log q(x_t | x_0) = -eps / sqrt(1 - abar_t) (Song et al. 2021, Eq. 7)",
        _ => "the noise eps (Ho et al. 2020, Eq. 11)",
    };
}
