namespace Diffusion.Dsl;

/// <summary>The variance Sigma_t of the reverse process p_theta(x_{t-1} | x_t) = N(mu_theta, Sigma_t I) (SCOPE section 3).</summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum ReverseVariance
{
    /// <summary>
    /// beta~_t = (1 - abar_{t-1}) / (1 - abar_t) beta_t, the posterior variance: the lower bound on the true reverse
    /// variance (Ho et al. 2020, Sec. 3.2, sigma_t^2 = beta~_t).
    /// </summary>
    FixedSmall = 0,

    /// <summary>beta_t: the upper bound (Ho et al. 2020, Sec. 3.2, sigma_t^2 = beta_t).</summary>
    FixedLarge = 1,

    /// <summary>
    /// Learned (Nichol and Dhariwal 2021, Eq. 15): Sigma_t = exp(v log beta_t + (1 - v) log beta~_t) with v predicted per
    /// dimension; the network outputs 2C channels (declare <c>LearnSigma = true</c> on it) and the objective must train
    /// v (<see cref="Objective.Hybrid"/> or <see cref="Objective.VariationalBound"/>).
    /// </summary>
    Learned = 2,
}
