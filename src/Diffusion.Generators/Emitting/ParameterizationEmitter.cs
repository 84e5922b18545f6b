using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

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
        var w = new CodeWriter();
        w.Header(m.Type);
        w.Lines(
            "/// <summary>",
            "/// The parameterization hub of " + m.Type.Name + " (SCOPE sections 3-4): the network predicts " + Describe(m.Predicts) + ".",
            "/// Every sampler, the loss and the variational bound go through these methods only. The coefficients a = sqrt(abar_t)",
            "/// and s = sqrt(1 - abar_t) are tensors that broadcast against x: (N, 1, 1, 1) per sample, or 0-dimensional.",
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        EmitToNoiseAndCleanSample(w, m.Predicts);
        w.Line();
        w.Lines(
            "/// <summary>",
            "/// eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps): the noise consistent with a",
            "/// thresholded x0_hat (improved-diffusion's _predict_eps_from_xstart).",
            "/// </summary>");
        w.GeneratedCode();
        w.Lines(
            "public static " + Tensor + " NoiseFromCleanSample(" + Tensor + " x, " + Tensor + " cleanSample, " + Tensor + " sqrtAlphaBar, " + Tensor + " sqrtOneMinusAlphaBar) =>",
            "    (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;");
        w.Line();
        EmitTrainingTarget(w, m.Predicts);
        if (m.LearnsVariance)
        {
            w.Line();
            w.Lines(
                "/// <summary>The network output (N, 2C, H, W) split into the prediction (N, C, H, W) and the variance values v (N, C, H, W).</summary>");
            w.GeneratedCode();
            w.Open("public static (" + Tensor + " Prediction, " + Tensor + " VarianceValues) SplitOutput(" + Tensor + " output)");
            w.Lines(
                "var halves = output.chunk(2, 1);    // the reference DiT's learn_sigma layout: prediction channels first",
                "return (halves[0], halves[1]);");
            w.Close();
            w.Line();
            w.Lines(
                "/// <summary>",
                "/// log Sigma_theta = f log beta_t + (1 - f) log beta~_t with f = (v + 1) / 2 (Nichol and Dhariwal 2021, Eq. 15; the network's",
                "/// v in [-1, 1] mapped to [0, 1] as improved-diffusion's learned_range does), element-wise.",
                "/// </summary>");
            w.GeneratedCode();
            w.Open("public static " + Tensor + " LearnedLogVariance(" + Tensor + " varianceValues, " + Tensor + " logBeta, " + Tensor + " logPosteriorVariance)");
            w.Lines(
                "var fraction = (varianceValues + 1.0) / 2.0;    // f = (v + 1) / 2",
                "return fraction * logBeta + (1.0 - fraction) * logPosteriorVariance;    // Eq. 15");
            w.Close();
        }
        w.Close();
        return w.ToString();
    }

    private static void EmitToNoiseAndCleanSample(CodeWriter w, Prediction predicts)
    {
        w.Lines(
            "/// <summary>",
            "/// The prediction at x_t as the pair (eps, x0_hat).",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public static (" + Tensor + " Noise, " + Tensor + " CleanSample) ToNoiseAndCleanSample(" + Tensor + " prediction, " + Tensor + " x, " + Tensor + " sqrtAlphaBar, " + Tensor + " sqrtOneMinusAlphaBar)");
        switch (predicts)
        {
            case Prediction.CleanSample:
                w.Lines(
                    "var cleanSample = prediction;    // x0_hat: the output is the clean sample (Ho et al. 2020, Sec. 3.2)",
                    "var noise = (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;    // eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps)");
                break;
            case Prediction.Velocity:
                w.Lines(
                    "var cleanSample = sqrtAlphaBar * x - sqrtOneMinusAlphaBar * prediction;    // x0_hat = sqrt(abar_t) x_t - sqrt(1 - abar_t) v (Salimans and Ho 2022, Appendix D)",
                    "var noise = sqrtOneMinusAlphaBar * x + sqrtAlphaBar * prediction;    // eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v (same)");
                break;
            case Prediction.Score:
                w.Lines(
                    "var noise = -sqrtOneMinusAlphaBar * prediction;    // eps = -sqrt(1 - abar_t) score (SCOPE section 4)",
                    "var cleanSample = (x + sqrtOneMinusAlphaBar * sqrtOneMinusAlphaBar * prediction) / sqrtAlphaBar;    // x0_hat = (x_t + (1 - abar_t) score) / sqrt(abar_t) (Tweedie's formula)");
                break;
            default:
                w.Lines(
                    "var noise = prediction;    // eps_theta(x_t, t): the output is the noise (Ho et al. 2020, Eq. 11)",
                    "var cleanSample = (x - sqrtOneMinusAlphaBar * noise) / sqrtAlphaBar;    // x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 solved for x_0)");
                break;
        }
        w.Line("return (noise, cleanSample);");
        w.Close();
    }

    private static void EmitTrainingTarget(CodeWriter w, Prediction predicts)
    {
        w.Lines(
            "/// <summary>What the network is trained to output for clean data x_0 noised with eps into x_t = a x_0 + s eps.</summary>");
        w.GeneratedCode();
        w.Line("public static " + Tensor + " TrainingTarget(" + Tensor + " x0, " + Tensor + " noise, " + Tensor + " sqrtAlphaBar, " + Tensor + " sqrtOneMinusAlphaBar) =>");
        w.Line(predicts switch
        {
            Prediction.CleanSample => "    x0;    // the clean sample itself",
            Prediction.Velocity => "    sqrtAlphaBar * noise - sqrtOneMinusAlphaBar * x0;    // v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4)",
            Prediction.Score => "    -noise / sqrtOneMinusAlphaBar;    // grad log q(x_t | x_0) = -eps / sqrt(1 - abar_t) (denoising score matching, Vincent 2011)",
            _ => "    noise;    // L_simple regresses eps (Ho et al. 2020, Eq. 14)",
        });
    }

    private static string Describe(Prediction predicts) => predicts switch
    {
        Prediction.CleanSample => "the clean sample x_0 (Ho et al. 2020, Sec. 3.2)",
        Prediction.Velocity => "the velocity v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4)",
        Prediction.Score => "the score grad log q(x_t) = -eps / sqrt(1 - abar_t) (SCOPE section 4)",
        _ => "the noise eps (Ho et al. 2020, Eq. 11)",
    };
}
