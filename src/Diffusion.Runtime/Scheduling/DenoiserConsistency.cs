using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The consistency function of a network that estimates the clean sample, D(x, s) ~ E[x_0 | x] (a variance-preserving
/// network at the training timestep of s: any parameterization converts to x0_hat through the hub, and x_vp, x_ve are
/// deterministic transforms of each other, so conditioning on either is the same).
/// </summary>
/// <remarks>
/// <para>Derivation. EDM writes D = c_skip^EDM(s) x + c_out^EDM(s) F with c_skip^EDM = sd^2 / (s^2 + sd^2) and
/// c_out^EDM = s sd / sqrt(s^2 + sd^2) (Karras et al. 2022, Eq. 7 and Table 1), so the raw output implied by D is
/// F = (D - c_skip^EDM(s) x) / c_out^EDM(s). Putting that F into the consistency parameterization
/// f = c_skip(s) x + c_out(s) F (Song et al. 2023, Eq. 5 and Appendix C), whose c_out(s) = (s - s_min) sd / sqrt(s^2 + sd^2)
/// shares c_out^EDM's denominator, gives</para>
/// <para>f(x, s) = c_skip(s) x + ((s - s_min) / s) (D - c_skip^EDM(s) x).</para>
/// <para>Consequences: at s = s_min the second term is 0 and c_skip = 1, so f(x, s_min) = x exactly whatever D is (the
/// boundary condition, by construction); as s_min goes to 0, c_skip goes to c_skip^EDM and the factor to 1, so f goes to
/// D: a student initialised from the teacher starts as the teacher's one-step denoiser (not yet consistent: D is the
/// posterior mean, the consistency function the end of the probability-flow ODE).</para>
/// </remarks>
public static class DenoiserConsistency
{
    /// <summary>
    /// f(x, s) = c_skip(s) x + ((s - s_min) / s) (D - c_skip^EDM(s) x) (see the remarks).
    /// </summary>
    /// <param name="sample">x, the variance-exploding sample at level s (x_vp sqrt(1 + s^2)).</param>
    /// <param name="denoised">D, the network's clean-sample estimate at that level, shaped as the sample.</param>
    /// <param name="sigma">s &gt; 0, one level (0-d) or one per sample (shape [N]).</param>
    /// <param name="scalings">s_min and sigma_data.</param>
    public static Tensor Apply(Tensor sample, Tensor denoised, Tensor sigma, ConsistencyScalings scalings)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(denoised);
        ArgumentNullException.ThrowIfNull(scalings);
        if (!denoised.shape.AsSpan().SequenceEqual(sample.shape))
            throw new ArgumentException(
                $"denoised has shape [{string.Join(", ", denoised.shape)}] " +
                $"but the sample has [{string.Join(", ", sample.shape)}].",
                nameof(denoised));
        using var scope = NewDisposeScope();
        using var min = scalings.SigmaMin.ToScalar();
        var s = LevelShape.Broadcastable(sigma, sample, nameof(sigma));
        // c_skip^EDM(s) (Karras et al. 2022, Table 1)
        var edmSkip = ConsistencyScalings.Edm(scalings.SigmaData).CSkip(s);
        var share = s.sub(min).div_(s);  // c_out(s) / c_out^EDM(s) = (s - s_min) / s
        // f = c_skip x + c_out F, F implied by D
        var f = scalings.CSkip(s) * sample + share * (denoised - edmSkip * sample);
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>f(x, s) at one level <paramref name="sigma"/> for the batch; see the tensor overload.</summary>
    public static Tensor Apply(Tensor sample, Tensor denoised, double sigma, ConsistencyScalings scalings)
    {
        using var level = tensor(sigma, dtype: ScalarType.Float64);
        return Apply(sample, denoised, level, scalings);
    }
}
