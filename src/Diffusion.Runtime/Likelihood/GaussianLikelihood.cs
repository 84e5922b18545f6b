using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Likelihood;

/// <summary>
/// The closed forms the variational bound is made of (SCOPE section 3), as improved-diffusion's <c>losses.py</c> has
/// them, element-wise in the inputs' dtype. Generated <c>VariationalBoundTerms</c> methods call these, once per training
/// step for the hybrid loss. Numbers enter as explicit Scalars disposed on return, and tensor sums pass alpha = 1
/// explicitly: TorchSharp 0.107 turns a double operand, and the default alpha of add, into a native Scalar that only a
/// finalizer frees (see <see cref="Training.AdamW"/>). Each call is the same operation the operator form performs.
/// </summary>
public static class GaussianLikelihood
{
    /// <summary>
    /// KL(N(mean1, exp(logVariance1)) || N(mean2, exp(logVariance2))) in nats, element-wise:
    /// 0.5 (-1 + lv2 - lv1 + exp(lv1 - lv2) + (m1 - m2)^2 exp(-lv2)).
    /// </summary>
    public static Tensor NormalKl(Tensor mean1, Tensor logVariance1, Tensor mean2, Tensor logVariance2)
    {
        using var scope = NewDisposeScope();
        using var half = 0.5.ToScalar();
        using var minusOne = (-1.0).ToScalar();
        using var one = 1.ToScalar();
        using var two = 2.ToScalar();
        // 0.5 (-1 + lv2 - lv1 + exp(lv1 - lv2) + (m1 - m2)^2 exp(-lv2)), left to right as the operator form evaluates it
        var kl = logVariance2.add(minusOne, one).sub(logVariance1).add((logVariance1 - logVariance2).exp(), one)
            .add((mean1 - mean2).pow(two) * (-logVariance2).exp(), one).mul(half);
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x) of the discretized Gaussian decoder (Ho et al. 2020, Eq. 13) in nats, element-wise: data x on the
    /// <paramref name="bins"/> centres of [-1, 1] (2k / (bins - 1) - 1), p(x) the mass of N(mean, exp(2 logScale)) on x's bin
    /// [x - h, x + h], h = 1 / (bins - 1), the first bin open to -infinity and the last to +infinity. Bin masses are
    /// differences of complementary error functions taken on the side of the mean where they do not cancel, so the
    /// tails keep their precision; masses below 1e-12 are clamped there as improved-diffusion does.
    /// </summary>
    public static Tensor DiscretizedGaussianLogLikelihood(Tensor x, Tensor mean, Tensor logScale, int bins = 256)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), $"bins = {bins}; a discretized decoder needs at least 2 bins.");
        using var scope = NewDisposeScope();
        double halfWidth = 1.0 / (bins - 1);
        double invSqrt2 = 1.0 / Math.Sqrt(2.0);
        using var h = halfWidth.ToScalar();
        using var scale = invSqrt2.ToScalar();
        using var half = 0.5.ToScalar();
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        using var firstEdge = (-1.0 + halfWidth).ToScalar();
        using var lastEdge = (1.0 - halfWidth).ToScalar();
        using var smallestMass = 1e-12.ToScalar();
        var inverseStd = (-logScale).exp();
        var upper = (inverseStd * (x - mean).add(h, one)).mul(scale);    // (x + h - mean) / (std sqrt 2)
        var lower = (inverseStd * (x - mean).sub(h)).mul(scale);         // (x - h - mean) / (std sqrt 2)

        // Phi(b) - Phi(a) = 0.5 (erfc(-b') - erfc(-a')) = 0.5 (erfc(a') - erfc(b')), with b' = b / sqrt 2: use the second
        // form above the mean (both arguments positive), the first below it.
        var interior = where(lower.gt(zero), (special.erfc(lower) - special.erfc(upper)).mul(half), (special.erfc(-upper) - special.erfc(-lower)).mul(half));
        var below = special.erfc(-upper).mul(half);    // Phi(b): the first bin, (-inf, -1 + h]
        var above = special.erfc(lower).mul(half);     // 1 - Phi(a): the last bin, [1 - h, +inf)
        var mass = where(x.lt(firstEdge), below, where(x.gt(lastEdge), above, interior));
        return mass.clamp_min(smallestMass).log().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per-sample mean over every dimension but the first, in bits: nats / (D ln 2) with D the number of dimensions
    /// per sample (the bits-per-dimension convention of Ho et al. 2020, Table 2).
    /// </summary>
    public static Tensor MeanBitsPerDimension(Tensor nats)
    {
        using var scope = NewDisposeScope();
        using var ln2 = Math.Log(2.0).ToScalar();
        var flat = nats.reshape(nats.shape[0], -1);
        return flat.mean([1L]).div(ln2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L_T = KL(q(x_T | x_0) || N(0, I)) per sample in bits per dimension, with q(x_T | x_0) = N(sqrt(abar_T) x_0,
    /// (1 - abar_T) I) (Ho et al. 2020, Eq. 5): the prior term, which no parameter changes.
    /// </summary>
    public static Tensor PriorBitsPerDimension(Tensor x0, double finalAlphaBar)
    {
        using var scope = NewDisposeScope();
        var mean = Math.Sqrt(finalAlphaBar) * x0;
        var logVariance = full_like(x0, Math.Log(1.0 - finalAlphaBar));
        var zeros = zeros_like(x0);
        return MeanBitsPerDimension(NormalKl(mean, logVariance, zeros, zeros)).MoveToOuterDisposeScope();
    }
}
