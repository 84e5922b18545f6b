namespace Diffusion.Dsl;

/// <summary>Reverse-process samplers (SCOPE section 5). Both run on any respaced subsequence of the training steps.</summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum SamplerKind
{
    /// <summary>
    /// Ancestral sampling (Ho et al. 2020, Algorithm 2): x_{t-1} = mu_theta(x_t, t) + sigma_t z with the posterior
    /// variance beta~_t (Eq. 7), no noise at the last step.
    /// </summary>
    Ddpm = 0,

    /// <summary>
    /// Song et al. 2021 ("DDIM", Eq. 12): x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps_theta + sigma_t z,
    /// sigma_t = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}) (Eq. 16). eta = 0 is deterministic,
    /// eta = 1 matches DDPM.
    /// </summary>
    Ddim = 1,

    /// <summary>
    /// Consistency sampling (Song et al. 2023, Algorithm 1), for a <see cref="ConsistencyModelAttribute"/> model: one
    /// step x = f(s_max z, s_max), or K = request.Steps steps on Karras levels (Karras et al. 2022, Eq. 5), re-noising
    /// x + sqrt(s^2 - s_min^2) z to each lower level and applying f again; each f clamped to [-1, 1].
    /// </summary>
    Consistency = 2,
}
