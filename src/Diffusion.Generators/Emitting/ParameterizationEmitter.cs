using System.Linq;
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
        // Scalar for the additions' alpha, disposed in each method: Tensor's + would leave one to the finalizer per call.
        bool scalars = m.Predicts is Prediction.Velocity or Prediction.Score or Prediction.Mean || m.LearnsVariance;
        names.Declare(w, "Tensor", scalars ? "Scalar" : "");
        w.Lines(
            "/// <summary>",
            "/// The parameterization hub of " + m.Type.Name + ": the network predicts",
            "/// " + Describe(m.Predicts) + ".",
            "/// Every sampler, the loss and the variational bound go through these methods only. The coefficients");
        if (m.Predicts == Prediction.Mean)
        {
            w.Lines(
                "/// a = sqrt(abar_t), s = sqrt(1 - abar_t), and meanCoef1 = coef1_t, meanCoef2 = coef2_t of the one-step",
                "/// posterior q(x_{t-1} | x_t, x_0) at the training timestep t (Ho et al. 2020, Eq. 7; the training chain's,",
                "/// whatever a sampler's stride) are tensors that broadcast against x: (N, 1, 1, 1) per sample, or",
                "/// 0-dimensional.");
        }
        else
        {
            w.Lines(
                "/// a = sqrt(abar_t) and s = sqrt(1 - abar_t) are tensors that broadcast against x: (N, 1, 1, 1) per sample, or",
                "/// 0-dimensional.");
        }
        w.Line("/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        var coefficients = Coefficients(m).Split(new[] { ", " }, System.StringSplitOptions.None)
            .Select(name => tensor + " " + name).ToArray();
        var scalar = scalars ? names["Scalar"] : "";
        EmitToNoiseAndCleanSample(w, m.Predicts, tensor, scalar, coefficients);
        w.Line();
        w.Lines(
            "/// <summary>",
            "/// eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps): the noise",
            "/// consistent with a thresholded x0_hat (improved-diffusion's _predict_eps_from_xstart).",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public static " + tensor + " NoiseFromCleanSample",
            new[] { tensor + " x", tensor + " cleanSample", coefficients[0], coefficients[1] }, " =>");
        w.Line("    (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;");
        w.Line();
        EmitTrainingTarget(w, m.Predicts, tensor, scalar, coefficients);
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
                "using " + scalar + " one = 1.0, two = 2.0;    // disposed here: a number operand leaves one to the finalizer",
                "var fraction = varianceValues.add(one, one).div(two);    // f = (v + 1) / 2",
                "var complement = fraction.neg().add(one, one);    // 1 - f",
                "return (fraction * logBeta).add(complement * logPosteriorVariance, one);    // Eq. 15");
            w.Close();
        }
        w.Close();
        return w.ToString();
    }

    /// <summary>
    /// The coefficients the hub's ToNoiseAndCleanSample and TrainingTarget take after their two tensors, as the argument
    /// list a caller writes: sqrt(abar_t) and sqrt(1 - abar_t), and for <see cref="Prediction.Mean"/> also coef1_t and
    /// coef2_t of the one-step posterior (<see cref="EmitMeanCoefficients"/> declares them), so the other kinds' code
    /// keeps its two.
    /// </summary>
    public static string Coefficients(ModelSpec m) => m.Predicts == Prediction.Mean
        ? "sqrtAlphaBar, sqrtOneMinusAlphaBar, meanCoef1, meanCoef2"
        : "sqrtAlphaBar, sqrtOneMinusAlphaBar";

    /// <summary>
    /// For <see cref="Prediction.Mean"/> only: declares meanCoef1 and meanCoef2, coef1_t and coef2_t of the one-step
    /// posterior at training timestep t, each from <paramref name="read"/> given the schedule's table
    /// (<c>Schedule.PosteriorMeanCoef1</c> or <c>Schedule.PosteriorMeanCoef2</c>).
    /// </summary>
    public static void EmitMeanCoefficients(CodeWriter w, ModelSpec m, System.Func<string, string> read)
    {
        if (m.Predicts != Prediction.Mean) return;
        w.Commented("var meanCoef1 = " + read("Schedule.PosteriorMeanCoef1") + ";", "coef1_t of the one-step mu~_t (Ho et al. 2020, Eq. 7)");
        w.Commented("var meanCoef2 = " + read("Schedule.PosteriorMeanCoef2") + ";", "coef2_t of the one-step mu~_t (same)");
    }

    /// <summary>
    /// <paramref name="head"/>(<paramref name="arguments"/>, the coefficients)<paramref name="tail"/>: a call of the hub.
    /// The other kinds' calls stay on one line as they always were; the mean's longer list wraps.
    /// </summary>
    public static void Call(CodeWriter w, ModelSpec m, string head, string arguments, string tail)
    {
        var all = arguments + ", " + Coefficients(m);
        if (m.Predicts == Prediction.Mean) w.Wrapped(head, new[] { all }, tail);
        else w.Line(head + "(" + all + ")" + tail);
    }

    private static string[] Parameters(string first, string second, string[] coefficients) =>
        new[] { first, second }.Concat(coefficients).ToArray();

    private static void EmitToNoiseAndCleanSample(CodeWriter w, Prediction predicts, string tensor, string scalar, string[] coefficients)
    {
        w.Line("/// <summary>The prediction at x_t as the pair (eps, x0_hat).</summary>");
        w.GeneratedCode();
        w.Wrapped("public static (" + tensor + " Noise, " + tensor + " CleanSample) ToNoiseAndCleanSample",
            Parameters(tensor + " prediction", tensor + " x", coefficients));
        w.Open();
        if (predicts is Prediction.Velocity or Prediction.Score)
            w.Line("using " + scalar + " one = 1;    // the addition's alpha, disposed here, not left to the finalizer");
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
                w.Commented("var noise = (sqrtOneMinusAlphaBar * x).add(sqrtAlphaBar * prediction, one);",
                    "eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v (same)");
                break;
            case Prediction.Score:
                w.Commented("var noise = -sqrtOneMinusAlphaBar * prediction;",
                    "eps = -sqrt(1 - abar_t) score: the score of q(x_t | x_0) (Ho et al. 2020, Eq. 4) is -eps / sqrt(1 - abar_t)");
                w.Commented("var cleanSample = x.add(sqrtOneMinusAlphaBar * sqrtOneMinusAlphaBar * prediction, one) / sqrtAlphaBar;",
                    "x0_hat = (x_t + (1 - abar_t) score) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 with the eps above)");
                break;
            default:
                w.Commented("var noise = prediction;", "eps_theta(x_t, t): the output is the noise (Ho et al. 2020, Eq. 11)");
                w.Commented("var cleanSample = (x - sqrtOneMinusAlphaBar * noise) / sqrtAlphaBar;",
                    "x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (Ho et al. 2020, Eq. 4 solved for x_0)");
                break;
            case Prediction.Mean:
                // coef1_t > 0 at every t (beta_t > 0, and abar_{t-1} > 0 even with a zero terminal SNR): no division by 0.
                w.Commented("var cleanSample = (prediction - meanCoef2 * x) / meanCoef1;",
                    "x0_hat = (mu_theta - coef2_t x_t) / coef1_t (Ho et al. 2020, Eq. 7 solved for x_0)");
                w.Commented("var noise = (x - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;",
                    "eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Ho et al. 2020, Eq. 4 solved for eps)");
                break;
        }
        w.Line("return (noise, cleanSample);");
        w.Close();
    }

    private static void EmitTrainingTarget(CodeWriter w, Prediction predicts, string tensor, string scalar, string[] coefficients)
    {
        w.Line("/// <summary>What the network learns to output for x_0 noised with eps into x_t = a x_0 + s eps.</summary>");
        w.GeneratedCode();
        var head = "public static " + tensor + " TrainingTarget";
        var parameters = Parameters(tensor + " x0", tensor + " noise", coefficients);
        if (predicts == Prediction.Mean)
        {
            // Two additions, so a body that can dispose their alpha.
            w.Wrapped(head, parameters);
            w.Open();
            w.Lines(
                "using " + scalar + " one = 1;    // the additions' alpha, disposed here, not left to the finalizer",
                "var xt = (sqrtAlphaBar * x0).add(sqrtOneMinusAlphaBar * noise, one);    // x_t (Ho et al. 2020, Eq. 4)",
                "return (meanCoef1 * x0).add(meanCoef2 * xt, one);    // mu~_t(x_t, x_0) = coef1_t x_0 + coef2_t x_t (Eq. 7)");
            w.Close();
            return;
        }
        w.Wrapped(head, parameters, " =>");
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
        Prediction.Mean => "the mean mu~_t = coef1_t x_0 + coef2_t x_t of x_{t-1} (Ho et al. 2020, Eq. 7; improved-diffusion's PREVIOUS_X)",
        _ => "the noise eps (Ho et al. 2020, Eq. 11)",
    };
}
