using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.VariationalBound.g.cs: the terms L_t of the negative ELBO from the network output
/// (improved-diffusion's _vb_terms_bpd), used by the hybrid and variational-bound objectives and by likelihood evaluation.
/// </summary>
internal static class VariationalBoundEmitter
{
    private const string Likelihood = "global::Diffusion.Runtime.Likelihood.GaussianLikelihood";

    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        w.Line("/// <summary>The variational bound of " + m.Type.Name + " (SCOPE section 3).</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        w.Lines(
            "/// <summary>",
            "/// L_t per sample in bits per dimension (N) for clean data x0 (N, C, H, W), its noised xt at training timesteps t (N, int64)",
            "/// and the network output there: L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)) for t &gt; 0 (Ho et al. 2020, Eq. 5),",
            "/// and L_0 = -log p_theta(x_0 | x_1) under the discretized Gaussian decoder at t = 0 (Eq. 13). x0_hat is not thresholded:",
            "/// the bound is of the model as trained.",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation: mean = mu_theta(x_t, t), logVariance = log Sigma_theta (" + m.Variance + "), posteriorMean = mu~_t(x_t, x_0),",
            "/// posteriorLogVariance = log beta~_t (its t = 0 entry clipped to t = 1's, as improved-diffusion does).",
            "/// </remarks>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " VariationalBoundTerms(" + Tensor + " x0, " + Tensor + " xt, " + Tensor + " t, " + Tensor + " output)");
        w.Lines(
            "if (x0 is null) throw new global::System.ArgumentNullException(nameof(x0));",
            "if (xt is null) throw new global::System.ArgumentNullException(nameof(xt));",
            "if (t is null) throw new global::System.ArgumentNullException(nameof(t));",
            "if (output is null) throw new global::System.ArgumentNullException(nameof(output));",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "long rank = x0.dim();",
            "");
        if (m.LearnsVariance)
            w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
        else
            w.Line("var prediction = output;    // (N, C, H, W)");
        w.Lines(
            "",
            "// 1. x0_hat from the parameterization hub",
            "var sqrtAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtAlphasCumprod, t, rank);    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + NoiseSchedule + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, rank);    // (N, 1, 1, 1)",
            "var (_, cleanSample) = ToNoiseAndCleanSample(prediction, xt, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // (N, C, H, W)",
            "",
            "// 2. mu_theta = coef1 x0_hat + coef2 x_t: the posterior mean with x0_hat for x_0 (Ho et al. 2020, Eq. 7 and 10)",
            "var coef1 = " + NoiseSchedule + ".Gather(Schedule.PosteriorMeanCoef1, t, rank);    // (N, 1, 1, 1)",
            "var coef2 = " + NoiseSchedule + ".Gather(Schedule.PosteriorMeanCoef2, t, rank);    // (N, 1, 1, 1)",
            "var mean = coef1 * cleanSample + coef2 * xt;    // (N, C, H, W)",
            "",
            "// 3. log Sigma_theta",
            "var posteriorLogVariance = " + NoiseSchedule + ".Gather(Schedule.PosteriorLogVarianceClipped, t, rank);    // (N, 1, 1, 1): log beta~_t");
        switch (m.Variance)
        {
            case ReverseVariance.Learned:
                w.Line("var logVariance = LearnedLogVariance(varianceValues, " + NoiseSchedule + ".Gather(Schedule.LogBetas, t, rank), posteriorLogVariance);    // (N, C, H, W) (Nichol and Dhariwal 2021, Eq. 15)");
                break;
            case ReverseVariance.FixedLarge:
                w.Line("var logVariance = " + Torch + ".where(t.reshape(posteriorLogVariance.shape) == 0, posteriorLogVariance, " + NoiseSchedule + ".Gather(Schedule.LogBetas, t, rank));    // (N, 1, 1, 1): log beta_t, log beta~ at t = 0 (improved-diffusion)");
                break;
            default:
                w.Line("var logVariance = posteriorLogVariance;    // (N, 1, 1, 1): Sigma = beta~_t (Ho et al. 2020, Sec. 3.2)");
                break;
        }
        w.Lines(
            "",
            "// 4. L_{t-1} = KL(N(mu~_t, beta~_t) || N(mu_theta, Sigma_theta)) in closed form (Ho et al. 2020, Eq. 5)",
            "var posteriorMean = coef1 * x0 + coef2 * xt;    // (N, C, H, W): mu~_t(x_t, x_0), Eq. 7",
            "var kl = " + Likelihood + ".MeanBitsPerDimension(" + Likelihood + ".NormalKl(posteriorMean, posteriorLogVariance, mean, logVariance));    // (N)",
            "",
            "// 5. L_0 = -log p_theta(x_0 | x_1), 256 bins over [-1, 1] (Ho et al. 2020, Eq. 13)",
            "var decoder = " + Likelihood + ".MeanBitsPerDimension(-" + Likelihood + ".DiscretizedGaussianLogLikelihood(x0, mean, 0.5 * logVariance));    // (N)",
            "",
            "// 6. L_0 where t = 0, else L_{t-1}",
            "return " + Torch + ".where(t == 0, decoder, kl).MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
