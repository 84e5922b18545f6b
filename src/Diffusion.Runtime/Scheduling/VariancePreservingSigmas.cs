using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// A discrete variance-preserving schedule seen as variance-exploding noise levels (Song et al. 2023, Sec. 3, after
/// Kingma et al. 2021's equivalence): x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps divided by sqrt(abar_t) is
/// x_0 + s_t eps with s_t = sqrt((1 - abar_t) / abar_t), the inverse square root of the SNR. Holds the float64 table
/// s_0 &lt; ... &lt; s_{T-1} and maps continuous levels back onto (fractional) training timesteps.
/// </summary>
/// <remarks>
/// A table's smallest level is above 0: the cosine schedule at T = 1000 (Nichol and Dhariwal 2021) has
/// s_0 = sqrt((1 - abar_0) / abar_0), about 0.0064, above the s_min = 0.002 of Song et al. 2023, so a consistency model
/// on such a teacher uses s_min = s_0 or evaluates the teacher only at levels in the table's range
/// (<see cref="TimestepOf"/> refuses others; <see cref="Clamp"/> is diffusers' clamping, made explicit).
/// </remarks>
public sealed class VariancePreservingSigmas
{
    private readonly double[] sigmas;
    private readonly double[] logSigmas;

    /// <summary>
    /// The levels of the schedule with <paramref name="alphasCumprod"/> = abar_0 .. abar_{T-1}, strictly decreasing in
    /// (0, 1).
    /// </summary>
    public VariancePreservingSigmas(IReadOnlyList<double> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(alphasCumprod);
        if (alphasCumprod.Count == 0) throw new ArgumentException("The schedule has no timesteps.", nameof(alphasCumprod));
        for (int t = 0; t < alphasCumprod.Count; t++)
        {
            double abar = alphasCumprod[t];
            if (!(abar > 0 && abar < 1))
                throw new ArgumentOutOfRangeException(nameof(alphasCumprod),
                    $"abar_{t} = {abar} is outside (0, 1): its level sqrt((1 - abar) / abar) is not finite and positive " +
                    "(a zero terminal SNR has no finite last level).");
            if (t > 0 && !(abar < alphasCumprod[t - 1]))
                throw new ArgumentException(
                    $"abar_{t} = {abar} does not fall below abar_{t - 1} = {alphasCumprod[t - 1]}; levels must increase with t.",
                    nameof(alphasCumprod));
        }
        // s_t = sqrt((1 - abar_t) / abar_t)
        sigmas = alphasCumprod.Select(abar => Math.Sqrt((1 - abar) / abar)).ToArray();
        logSigmas = sigmas.Select(s => Math.Log(s)).ToArray();
    }

    /// <summary>s_0 .. s_{T-1}, increasing.</summary>
    public IReadOnlyList<double> Sigmas => sigmas;

    /// <summary>s_0, the smallest level.</summary>
    public double Min => sigmas[0];

    /// <summary>s_{T-1}, the largest level.</summary>
    public double Max => sigmas[^1];

    /// <summary><paramref name="sigma"/> clamped to [s_0, s_{T-1}], as diffusers' <c>_sigma_to_t</c> clamps implicitly.</summary>
    public double Clamp(double sigma) => Math.Clamp(sigma, Min, Max);

    /// <summary>
    /// The fractional training timestep of level <paramref name="sigma"/>: linear in log s between the two table levels
    /// around it (diffusers' <c>EulerDiscreteScheduler._sigma_to_t</c>), so t exactly at a table level s_t. Throws for
    /// s outside [s_0, s_{T-1}], where the network was never trained; <see cref="Clamp"/> first to take the nearest end.
    /// </summary>
    public double TimestepOf(double sigma)
    {
        if (!(sigma >= Min && sigma <= Max))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma,
                $"The schedule's levels span [{Min}, {Max}] (s_t = sqrt((1 - abar_t) / abar_t)); " +
                "clamp the level or choose s_min at or above s_0.");
        if (sigmas.Length == 1) return 0;
        double logSigma = Math.Log(sigma);
        int low = Array.BinarySearch(logSigmas, logSigma);
        if (low >= 0) return low;                                             // a table level: t exactly
        low = Math.Min(~low - 1, sigmas.Length - 2);                          // the last level below
        // interpolation weight in log s
        double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]);
        return (1 - w) * low + w * (low + 1);
    }

    /// <summary>
    /// x_ve = x_vp / sqrt(abar) = x_vp sqrt(1 + s^2), since abar = 1 / (1 + s^2) at level s (Song et al. 2023, Sec. 3);
    /// <paramref name="sigma"/> is one level (0-d) or one per sample (shape [N]).
    /// </summary>
    public static Tensor ToVarianceExploding(Tensor variancePreserving, Tensor sigma) => Scale(variancePreserving,
        sigma, towardsExploding: true);

    /// <summary>x_vp = x_ve sqrt(abar) = x_ve / sqrt(1 + s^2), the inverse of <see cref="ToVarianceExploding"/>.</summary>
    public static Tensor ToVariancePreserving(Tensor varianceExploding, Tensor sigma) => Scale(varianceExploding,
        sigma, towardsExploding: false);

    private static Tensor Scale(Tensor x, Tensor sigma, bool towardsExploding)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        using var scope = NewDisposeScope();
        using var one = 1.0.ToScalar();
        var s = LevelShape.Broadcastable(sigma, x, nameof(sigma));
        var root = s.mul(s).add_(one, one).sqrt_();                                // sqrt(1 + s^2) = 1 / sqrt(abar)
        return (towardsExploding ? x * root : x / root).MoveToOuterDisposeScope();
    }
}
