using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Samplers;

/// <summary>
/// The exact optimal noise predictor for data that is a mixture of isotropic Gaussians N(mu_k, s^2 I) with equal
/// weights: E[eps | x_t] under q(x_t) = sum_k w_k N(sqrt(abar) mu_k, (abar s^2 + 1 - abar) I).
/// Derivation: per component, (x_0, eps) given x_t is jointly Gaussian, so
///   E_k[eps | x_t] = sqrt(1 - abar) (x_t - sqrt(abar) mu_k) / (abar s^2 + 1 - abar),
/// and the mixture weights each component by its responsibility r_k(x_t) proportional to N(x_t; sqrt(abar) mu_k, v I).
/// A label y in 0..K-1 selects component y (the conditional oracle); any other label (the null label), or no labels,
/// gives the mixture.
/// </summary>
public sealed class GaussianOracle(NoiseSchedule schedule, double[] means, double std)
{
    public Denoiser Denoiser => Predict;

    private Tensor Predict(Tensor x, Tensor t, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var x64 = x.to(ScalarType.Float64);
        long rank = x.dim();
        var abar = NoiseSchedule.Gather(schedule.AlphasCumprod, t, rank).to(ScalarType.Float64);
        // Scalars held for the whole call: a temporary one (Tensor * double) can be finalized during its native call.
        using Scalar one = 1.0, minusOne = -1.0, two = 2, minusHalf = -0.5, stdSquared = std * std;
        var oneMinusAbar = abar.neg().add(one);                   // 1 - abar, exactly
        var variance = abar.mul(stdSquared).add(oneMinusAbar, one);
        var signal = abar.sqrt();
        var noiseScale = oneMinusAbar.sqrt();

        // Per-component conditional expectations and log-likelihoods, stacked on a leading K axis.
        var perComponent = new Tensor[means.Length];
        var logLikelihood = new Tensor[means.Length];
        var reduceDims = new long[rank - 1];
        for (int d = 1; d < rank; d++) reduceDims[d - 1] = d;
        for (int k = 0; k < means.Length; k++)
        {
            using Scalar mean = means[k];
            var centred = x64.add(signal.mul(mean), minusOne);    // x - sqrt(abar) mu_k, exactly
            perComponent[k] = noiseScale * centred / variance;
            logLikelihood[k] = centred.pow(two).mul(minusHalf).div(variance).sum(reduceDims);
        }
        var responsibilities = stack(logLikelihood).softmax(0); // (K, N)
        var mixture = zeros_like(x64);
        for (int k = 0; k < means.Length; k++)
            mixture.add_(responsibilities[k].reshape(ShapeLike(x, rank)) * perComponent[k], one);

        var result = mixture;
        if (labels is not null)
        {
            for (int k = 0; k < means.Length; k++)
            {
                using Scalar component = k;
                var pick = labels.eq(component).reshape(ShapeLike(x, rank));
                result = where(pick, perComponent[k], result);
            }
        }
        return result.to(x.dtype).MoveToOuterDisposeScope();
    }

    private static long[] ShapeLike(Tensor x, long rank)
    {
        var shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return shape;
    }
}
