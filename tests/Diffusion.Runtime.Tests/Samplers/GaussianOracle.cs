using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
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
        var variance = abar * (std * std) + (1.0 - abar);
        var signal = abar.sqrt();
        var noiseScale = (1.0 - abar).sqrt();

        // Per-component conditional expectations and log-likelihoods, stacked on a leading K axis.
        var perComponent = new Tensor[means.Length];
        var logLikelihood = new Tensor[means.Length];
        var reduceDims = new long[rank - 1];
        for (int d = 1; d < rank; d++) reduceDims[d - 1] = d;
        for (int k = 0; k < means.Length; k++)
        {
            var centred = x64 - signal * means[k];
            perComponent[k] = noiseScale * centred / variance;
            logLikelihood[k] = (-0.5 * centred.pow(2) / variance).sum(reduceDims);
        }
        var responsibilities = stack(logLikelihood).softmax(0); // (K, N)
        var mixture = zeros_like(x64);
        for (int k = 0; k < means.Length; k++)
            mixture += responsibilities[k].reshape(ShapeLike(x, rank)) * perComponent[k];

        var result = mixture;
        if (labels is not null)
        {
            for (int k = 0; k < means.Length; k++)
            {
                var pick = (labels == k).reshape(ShapeLike(x, rank));
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
