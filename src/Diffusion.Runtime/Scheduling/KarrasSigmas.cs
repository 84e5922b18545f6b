using System;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The noise levels of Karras et al. 2022 (Eq. 5), which consistency models use for their discretisation (Song et al.
/// 2023, Sec. 5 and Appendix C): s_i = (s_min^(1/rho) + (i - 1) / (N - 1) (s_max^(1/rho) - s_min^(1/rho)))^rho for
/// i = 1..N, spaced densely near s_min (rho = 7: Karras et al. 2022, Sec. 3).
/// </summary>
/// <remarks>
/// <see cref="Ascending"/> is Song et al.'s index order (s_1 = s_min .. s_N = s_max), the order training draws n from;
/// <see cref="Descending"/> is the sampling order of Karras et al. 2022, Eq. 5 and of diffusers' schedulers. Both pin
/// their endpoints to exactly s_min and s_max (the formula's values in exact arithmetic; pow's rounding would move
/// them by an ulp). <see cref="FromMaximum"/> is the formula at a fractional position counted from s_max, computed as
/// diffusers' <c>_convert_to_karras</c> and openai/consistency_models' sampler compute it.
/// </remarks>
/// <param name="SigmaMin">s_min (Song et al. 2023: 0.002).</param>
/// <param name="SigmaMax">s_max (Song et al. 2023: 80).</param>
/// <param name="Rho">rho (Karras et al. 2022, Sec. 3: 7).</param>
public sealed record KarrasSigmas(double SigmaMin = 0.002, double SigmaMax = 80.0, double Rho = 7.0)
{
    /// <summary>s_1 &lt; ... &lt; s_N (Song et al. 2023's index order); one level is s_max (diffusers' one-step case).</summary>
    public double[] Ascending(int count)
    {
        var levels = Descending(count);
        Array.Reverse(levels);
        return levels;
    }

    /// <summary>s_N &gt; ... &gt; s_1, the order a sampler visits (Karras et al. 2022, Eq. 5's i = 0..N-1).</summary>
    public double[] Descending(int count)
    {
        Validate();
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Ask for at least one noise level.");
        var levels = new double[count];
        for (int i = 0; i < count; i++)
            levels[i] = FromMaximum(count == 1 ? 0.0 : i / (double)(count - 1));
        levels[0] = SigmaMax;  // i = 0: s_max exactly (Karras et al. 2022, Eq. 5)
        if (count > 1) levels[^1] = SigmaMin;                                // i = N - 1: s_min exactly
        return levels;
    }

    /// <summary>
    /// (s_max^(1/rho) + r (s_min^(1/rho) - s_max^(1/rho)))^rho (Karras et al. 2022, Eq. 5 with r = i / (N - 1)):
    /// s_max at r = 0, s_min at r = 1, and for r outside [0, 1] the formula's extrapolation, as diffusers computes it.
    /// </summary>
    public double FromMaximum(double ramp)
    {
        double maxInvRho = Math.Pow(SigmaMax, 1 / Rho), minInvRho = Math.Pow(SigmaMin, 1 / Rho);
        return Math.Pow(maxInvRho + ramp * (minInvRho - maxInvRho), Rho);  // Karras et al. 2022, Eq. 5
    }

    /// <summary>Throws, naming the parameter, unless 0 &lt; s_min &lt; s_max and rho &gt; 0 (all finite).</summary>
    public void Validate()
    {
        if (!(SigmaMin > 0) || double.IsInfinity(SigmaMin))
            throw new ArgumentOutOfRangeException(nameof(SigmaMin), SigmaMin, "s_min must be a finite number above 0.");
        if (!(SigmaMax > SigmaMin) || double.IsInfinity(SigmaMax))
            throw new ArgumentOutOfRangeException(nameof(SigmaMax), SigmaMax,
                $"s_max must be finite and above s_min = {SigmaMin}.");
        if (!(Rho > 0) || double.IsInfinity(Rho))
            throw new ArgumentOutOfRangeException(nameof(Rho), Rho,
                "rho must be a finite number above 0 (Karras et al. 2022 use 7).");
    }
}
