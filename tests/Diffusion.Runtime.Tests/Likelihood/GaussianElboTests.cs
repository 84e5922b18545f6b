using System;
using Diffusion.Runtime.Likelihood;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Samplers;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Likelihood;

/// <summary>
/// The variational bound with Gaussian data, where everything is known in closed form.
/// </summary>
/// <remarks>
/// Derivation (per dimension, nats; code index t = 0..T-1, a_t = sqrt(abar_t), s_t^2 = 1 - abar_t). Data x_0 ~ N(mu, v).
/// The optimal predictor gives x0_hat(x_t) = E[x_0 | x_t] = mu + k_t (x_t - a_t mu), k_t = a_t v / (a_t^2 v + s_t^2), and
/// Var(x_0 | x_t) = v s_t^2 / (a_t^2 v + s_t^2), the same for every x_t. The model (noise prediction, fixed small
/// variance) has mean c1_t x0_hat + c2_t x_t and variance beta~_t, the posterior's, so for t &gt;= 1
///   E L_t = E KL(N(c1 x_0 + c2 x_t, beta~) || N(c1 x0_hat + c2 x_t, beta~)) = c1_t^2 Var(x_0 | x_t) / (2 beta~_t).
/// The prior term is E KL(N(a_T x_0, s_T^2) || N(0, 1)) = (s_T^2 + a_T^2 (mu^2 + v) - 1 - log s_T^2) / 2, and the decoder
/// (continuous data, so a Gaussian density instead of the 256-bin one) is p(x_0 | x_1) = N(x0_hat(x_1), w) with
/// c1_0 = 1, c2_0 = 0 and w = beta~ of step 1 (the clipped log variance): E L_0 = log(2 pi w) / 2 + Var(x_0 | x_1) / (2 w).
/// The model's exact marginal p(x_0) is Gaussian too: every reverse step is linear, x_{t-1} = A_t x_t + B_t + noise with
/// A_t = c1_t k_t + c2_t and B_t = c1_t mu (1 - k_t a_t), so from N(0, 1) the mean M and variance V follow
/// M &lt;- A M + B, V &lt;- A^2 V + beta~_t down to x_0, and E[-log p(x_0)] = log(2 pi V) / 2 + ((mu - M)^2 + v) / (2 V).
/// The bound minus that is E KL(q(x_{1:T} | x_0) || p(x_{1:T} | x_0)) &gt;= 0: the gap the test checks.
/// </remarks>
[Collection(TorchGlobalStateCollection.Name)]
public class GaussianElboTests(ITestOutputHelper output)
{
    private const double Mu = 0.2, Variance = 0.25;

    /// <summary>The same optimal model predicting eps or the posterior mean (given the optimal mean) has the same bound.</summary>
    [Theory]
    [InlineData("Noise")]
    [InlineData("Mean")]
    public void Bound_from_the_generated_terms_matches_the_closed_form_and_upper_bounds_the_exact_likelihood(string predicts)
    {
        TestTorch.Init();
        Diffusion.Runtime.Models.IDiffusionModel model = predicts == "Mean" ? new TinyMeanModel() : new TinyLinearModel();
        var schedule = model.Schedule;
        int steps = schedule.Length;

        // The closed forms (nats per dimension).
        double Posterior(int t) => Variance * (1 - schedule.AlphasCumprod[t]) / (schedule.AlphasCumprod[t] * Variance + 1 - schedule.AlphasCumprod[t]);
        double Gain(int t) => schedule.SqrtAlphasCumprod[t] * Variance / (schedule.AlphasCumprod[t] * Variance + 1 - schedule.AlphasCumprod[t]);
        double aT2 = schedule.AlphasCumprod[steps - 1], sT2 = 1 - aT2;
        double prior = 0.5 * (sT2 + aT2 * (Mu * Mu + Variance) - 1 - Math.Log(sT2));
        double transitions = 0;
        for (int t = 1; t < steps; t++)
            transitions += schedule.PosteriorMeanCoef1[t] * schedule.PosteriorMeanCoef1[t] * Posterior(t) / (2 * schedule.PosteriorVariance[t]);
        double decoderVariance = Math.Exp(schedule.PosteriorLogVarianceClipped[0]);
        double decoder = 0.5 * Math.Log(2 * Math.PI * decoderVariance) + Posterior(0) / (2 * decoderVariance);
        double bound = prior + transitions + decoder;

        double mean = 0, variance = 1;
        for (int t = steps - 1; t >= 0; t--)
        {
            double c1 = schedule.PosteriorMeanCoef1[t], c2 = schedule.PosteriorMeanCoef2[t];
            double gain = Gain(t), slope = c1 * gain + c2, offset = c1 * Mu * (1 - gain * schedule.SqrtAlphasCumprod[t]);
            mean = slope * mean + offset;
            variance = slope * slope * variance + (t > 0 ? schedule.PosteriorVariance[t] : decoderVariance);
        }
        double exactNll = 0.5 * Math.Log(2 * Math.PI * variance) + ((Mu - mean) * (Mu - mean) + Variance) / (2 * variance);

        // The same bound from the generated VariationalBoundTerms, driven by the optimal predictor, by Monte Carlo in x_0 and x_t.
        var noiseOracle = new GaussianOracle(schedule, [Mu], Math.Sqrt(Variance)).Denoiser;
        var oracle = predicts == "Mean" ? OracleSamplerTests.MeanFromNoise(schedule, noiseOracle) : noiseOracle;
        using var generator = new Generator(12);
        double measuredTransitions = 0;
        const int n = 512;
        for (int t = 1; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var x0 = (Mu + Math.Sqrt(Variance) * randn([n, 1, 4, 4], dtype: ScalarType.Float64, generator: generator));
            var timesteps = full([n], (long)t, dtype: ScalarType.Int64);
            var xt = schedule.SqrtAlphasCumprod[t] * x0 + schedule.SqrtOneMinusAlphasCumprod[t] * randn(x0.shape, dtype: ScalarType.Float64, generator: generator);
            var terms = model.VariationalBoundTerms(x0, xt, timesteps, oracle(xt, timesteps, null));
            measuredTransitions += terms.mean().item<double>() * Math.Log(2); // bits to nats
        }
        using var priorData = Mu + Math.Sqrt(Variance) * randn([20000, 1], dtype: ScalarType.Float64, generator: generator);
        double measuredPrior = GaussianLikelihood.PriorBitsPerDimension(priorData, aT2).mean().item<double>() * Math.Log(2);

        output.WriteLine($"closed form: prior {prior:F6}, transitions {transitions:F6}, decoder {decoder:F6}, bound {bound:F6} nats/dim; exact NLL {exactNll:F6}; gap {bound - exactNll:F6}");
        output.WriteLine($"generated terms: transitions {measuredTransitions:F6}, prior {measuredPrior:F6}");

        Assert.True(bound >= exactNll, $"the bound {bound} is below the exact NLL {exactNll}");
        Assert.Equal(transitions, measuredTransitions, transitions * 0.01);
        Assert.Equal(prior, measuredPrior, 2e-4);
        double measuredGap = prior + measuredTransitions + decoder - exactNll;
        Assert.Equal(bound - exactNll, measuredGap, transitions * 0.01);
    }
}
