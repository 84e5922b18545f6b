using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.VariationalBound.g.cs: the terms L_t of the negative ELBO from the network output
/// (improved-diffusion's _vb_terms_bpd), used by the hybrid and variational-bound objectives and by likelihood evaluation.
/// </summary>
internal static class VariationalBoundEmitter
{
    public static string Emit(ModelSpec m)
    {
        var names = new ModelNames(m);
        var tensor = names.Tensor;
        var torch = names.Torch;
        var gather = names["NoiseSchedule"] + ".Gather";
        var likelihood = names["GaussianLikelihood"];
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Scalar", "NoiseSchedule", "GaussianLikelihood", "ArgumentNullException");
        w.Line("/// <summary>The variational bound of " + m.Type.Name + " (Ho et al. 2020, Eq. 5).</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        w.Lines(
            "/// <summary>",
            "/// L_t per sample in bits per dimension (N) for clean data x0 (N, C, H, W), its noised xt at training timesteps",
            "/// t (N, int64) and the network output there: L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)) for",
            "/// t &gt; 0 (Ho et al. 2020, Eq. 5), and L_0 = -log p_theta(x_0 | x_1) under the discretized Gaussian decoder at",
            "/// t = 0 (Eq. 13). x0_hat is not thresholded: the bound is of the model as trained.",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation: mean = mu_theta(x_t, t), logVariance = log Sigma_theta (" + m.Variance + "),",
            "/// posteriorMean = mu~_t(x_t, x_0), posteriorLogVariance = log beta~_t (its t = 0 entry clipped to t = 1's, as",
            "/// improved-diffusion does).",
            "/// </remarks>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " VariationalBoundTerms", new[] { tensor + " x0", tensor + " xt", tensor + " t", tensor + " output" });
        w.Open();
        var nullException = names["ArgumentNullException"];
        w.Lines(
            "if (x0 is null) throw new " + nullException + "(nameof(x0));",
            "if (xt is null) throw new " + nullException + "(nameof(xt));",
            "if (t is null) throw new " + nullException + "(nameof(t));",
            "if (output is null) throw new " + nullException + "(nameof(output));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "// The constants as Scalars disposed here: a number operand or an alpha-less + leaves one to the finalizer",
            "using " + names["Scalar"] + " zero = 0, half = 0.5, one = 1;",
            "long rank = x0.dim();",
            "");
        // With a learned variance the first C channels are the prediction; otherwise the output is.
        var prediction = "output";
        if (m.LearnsVariance)
        {
            w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
            w.Line();
            prediction = "prediction";
        }
        int step = 1;
        w.Step(ref step, "x0_hat from the parameterization hub");
        w.Lines(
            "var sqrtAlphaBar = " + gather + "(Schedule.SqrtAlphasCumprod, t, rank);    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + gather + "(Schedule.SqrtOneMinusAlphasCumprod, t, rank);    // (N, 1, 1, 1)");
        ParameterizationEmitter.EmitMeanCoefficients(w, m, table => gather + "(" + table + ", t, rank)");
        ParameterizationEmitter.Call(w, m, "var (_, cleanSample) = ToNoiseAndCleanSample", prediction + ", xt", ";");
        w.Line();
        w.Step(ref step, "mu_theta = coef1 x0_hat + coef2 x_t: the posterior mean with x0_hat for x_0 (Ho et al. 2020, Eq. 7 and 10)");
        w.Lines(
            "var coef1 = " + gather + "(Schedule.PosteriorMeanCoef1, t, rank);    // (N, 1, 1, 1)",
            "var coef2 = " + gather + "(Schedule.PosteriorMeanCoef2, t, rank);    // (N, 1, 1, 1)",
            "var mean = (coef1 * cleanSample).add(coef2 * xt, one);    // (N, C, H, W)",
            "");
        var logBeta = gather + "(Schedule.LogBetas, t, rank)";
        switch (m.Variance)
        {
            case ReverseVariance.Learned:
                w.Step(ref step, "log Sigma_theta = f log beta_t + (1 - f) log beta~_t (Nichol and Dhariwal 2021, Eq. 15)");
                w.Commented("var posteriorLogVariance = " + gather + "(Schedule.PosteriorLogVarianceClipped, t, rank);", "log beta~_t");
                w.Lines(
                    "var logVariance = LearnedLogVariance(varianceValues, " + logBeta + ", posteriorLogVariance);",
                    "");
                break;
            case ReverseVariance.FixedLarge:
                w.Step(ref step, "log Sigma_theta = log beta_t, log beta~_1 at t = 0 (Ho et al. 2020, Sec. 3.2; improved-diffusion)");
                w.Commented("var posteriorLogVariance = " + gather + "(Schedule.PosteriorLogVarianceClipped, t, rank);", "log beta~_t");
                w.Lines(
                    "var atZero = t.reshape(posteriorLogVariance.shape).eq(zero);    // (N, 1, 1, 1)",
                    "var logVariance = " + torch + ".where(atZero, posteriorLogVariance, " + logBeta + ");",
                    "");
                break;
            default:
                w.Step(ref step, "log Sigma_theta = log beta~_t, the posterior's own variance (Ho et al. 2020, Sec. 3.2)");
                w.Lines(
                    "var posteriorLogVariance = " + gather + "(Schedule.PosteriorLogVarianceClipped, t, rank);",
                    "");
                break;
        }
        // Sigma_theta = beta~_t needs no variable of its own.
        var logVariance = m.Variance == ReverseVariance.FixedSmall ? "posteriorLogVariance" : "logVariance";
        w.Step(ref step, "L_{t-1} = KL(N(mu~_t, beta~_t) || N(mu_theta, Sigma_theta)) in closed form (Ho et al. 2020, Eq. 5)");
        w.Lines(
            "var posteriorMean = (coef1 * x0).add(coef2 * xt, one);    // (N, C, H, W): mu~_t(x_t, x_0), Eq. 7",
            "var divergence = " + likelihood + ".NormalKl(posteriorMean, posteriorLogVariance, mean, " + logVariance + ");",
            "var kl = " + likelihood + ".MeanBitsPerDimension(divergence);    // (N)",
            "");
        w.Step(ref step, "L_0 = -log p_theta(x_0 | x_1), 256 bins over [-1, 1] (Ho et al. 2020, Eq. 13)");
        w.Lines(
            "var logScale = " + logVariance + ".mul(half);    // log sigma = log Sigma_theta / 2",
            "var logLikelihood = " + likelihood + ".DiscretizedGaussianLogLikelihood(x0, mean, logScale);",
            "var decoder = " + likelihood + ".MeanBitsPerDimension(-logLikelihood);    // (N)",
            "");
        w.Step(ref step, "L_0 where t = 0, else L_{t-1}");
        w.Line("return " + torch + ".where(t.eq(zero), decoder, kl).MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
