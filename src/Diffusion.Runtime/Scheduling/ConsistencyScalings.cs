using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The coefficients of the consistency-model parameterization f(x, s) = c_skip(s) x + c_out(s) F(c_in(s) x, s)
/// (Song et al. 2023, Eq. 5 and Appendix C): c_skip = sd^2 / ((s - s_min)^2 + sd^2),
/// c_out = (s - s_min) sd / sqrt(s^2 + sd^2), and the input scaling c_in = 1 / sqrt(s^2 + sd^2) (Karras et al. 2022,
/// Table 1). At s = s_min, c_skip = 1 and c_out = 0 exactly, so f(x, s_min) = x holds by construction.
/// </summary>
/// <remarks>
/// With s_min = 0 these are EDM's preconditioning (Karras et al. 2022, Table 1, "EDM" column): <see cref="Edm"/>.
/// The tensor forms compute elementwise in the level tensor's dtype (a 0-d level, or one per sample shaped to
/// broadcast against the sample) with the operations diffusers' <c>get_scalings_for_boundary_condition</c> uses.
/// </remarks>
/// <param name="SigmaMin">s_min, the level where f is the identity (Song et al. 2023: epsilon = 0.002).</param>
/// <param name="SigmaData">sd, the data's standard deviation (Karras et al. 2022, Sec. 5: 0.5).</param>
public sealed record ConsistencyScalings(double SigmaMin = 0.002, double SigmaData = 0.5)
{
    /// <summary>EDM's scalings (Karras et al. 2022, Table 1): s_min = 0, so c_out(s) = s sd / sqrt(s^2 + sd^2).</summary>
    public static ConsistencyScalings Edm(double sigmaData = 0.5) => new(0.0, sigmaData);

    /// <summary>c_skip(s) = sd^2 / ((s - s_min)^2 + sd^2) (Song et al. 2023, Appendix C).</summary>
    public double CSkip(double sigma)
    {
        double sd2 = SigmaData * SigmaData, d = sigma - SigmaMin;
        return sd2 / (d * d + sd2);
    }

    /// <summary>c_out(s) = (s - s_min) sd / sqrt(s^2 + sd^2) (Song et al. 2023, Appendix C).</summary>
    public double COut(double sigma) => (sigma - SigmaMin) * SigmaData / Math.Sqrt(sigma * sigma + SigmaData * SigmaData);

    /// <summary>c_in(s) = 1 / sqrt(s^2 + sd^2) (Karras et al. 2022, Table 1): the network's input at unit variance.</summary>
    public double CIn(double sigma) => 1 / Math.Sqrt(sigma * sigma + SigmaData * SigmaData);

    /// <summary>c_skip at every level of <paramref name="sigma"/>; see the scalar form.</summary>
    public Tensor CSkip(Tensor sigma)
    {
        using var scope = NewDisposeScope();
        using var min = SigmaMin.ToScalar();
        using var sd2 = (SigmaData * SigmaData).ToScalar();
        var d = sigma.sub(min);
        return d.mul(d).add_(sd2).reciprocal_().mul_(sd2).MoveToOuterDisposeScope();   // sd^2 / ((s - s_min)^2 + sd^2)
    }

    /// <summary>c_out at every level of <paramref name="sigma"/>; see the scalar form.</summary>
    public Tensor COut(Tensor sigma)
    {
        using var scope = NewDisposeScope();
        using var min = SigmaMin.ToScalar();
        using var sd = SigmaData.ToScalar();
        using var sd2 = (SigmaData * SigmaData).ToScalar();
        var root = sigma.mul(sigma).add_(sd2).sqrt_();
        return sigma.sub(min).mul_(sd).div_(root).MoveToOuterDisposeScope();  // (s - s_min) sd / sqrt(s^2 + sd^2)
    }

    /// <summary>c_in at every level of <paramref name="sigma"/>; see the scalar form.</summary>
    public Tensor CIn(Tensor sigma)
    {
        using var scope = NewDisposeScope();
        using var sd2 = (SigmaData * SigmaData).ToScalar();
        return sigma.mul(sigma).add_(sd2).rsqrt_().MoveToOuterDisposeScope();           // 1 / sqrt(s^2 + sd^2)
    }

    /// <summary>Throws, naming the parameter, unless s_min &gt;= 0 and sd &gt; 0 (both finite).</summary>
    public void Validate()
    {
        if (!(SigmaMin >= 0) || double.IsInfinity(SigmaMin))
            throw new ArgumentOutOfRangeException(nameof(SigmaMin), SigmaMin, "s_min must be a finite number, 0 or above.");
        if (!(SigmaData > 0) || double.IsInfinity(SigmaData))
            throw new ArgumentOutOfRangeException(nameof(SigmaData), SigmaData, "sigma_data must be a finite number above 0.");
    }
}
