namespace Diffusion.Runtime.Scheduling;

/// <summary>The variance of a DDPM reverse step, under diffusers' <c>variance_type</c> names.</summary>
public enum DdpmVarianceType
{
    /// <summary>sigma^2 = beta~_t, the posterior variance (Ho et al. 2020, Eq. 7; Sec. 3.2's lower bound).</summary>
    FixedSmall,

    /// <summary>beta~_t through its logarithm, sigma = exp(log(beta~_t) / 2) (diffusers' choice for Janner et al. 2022).</summary>
    FixedSmallLog,

    /// <summary>sigma^2 = beta_t (Ho et al. 2020, Sec. 3.2's upper bound).</summary>
    FixedLarge,

    /// <summary>beta_t through its logarithm, sigma = exp(log(beta_t) / 2) (GLIDE's "max_log").</summary>
    FixedLargeLog,

    /// <summary>The network's second half of channels is sigma^2 itself.</summary>
    Learned,

    /// <summary>
    /// The network's second half of channels is v in [-1, 1]; log sigma^2 = f log beta_t + (1 - f) log beta~_t with
    /// f = (v + 1) / 2 (Nichol and Dhariwal 2021, Eq. 15).
    /// </summary>
    LearnedRange,
}
