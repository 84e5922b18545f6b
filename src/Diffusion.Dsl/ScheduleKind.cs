namespace Diffusion.Dsl;

/// <summary>How the forward-process variances beta_1..beta_T are chosen (SCOPE section 1).</summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum ScheduleKind
{
    /// <summary>
    /// Ho et al. 2020 ("DDPM", Sec. 4): beta rises linearly from 1e-4 to 0.02 over T = 1000 steps; for other T both
    /// ends are scaled by 1000 / T so the process ends at the same signal-to-noise ratio.
    /// </summary>
    Linear = 0,

    /// <summary>
    /// Nichol and Dhariwal 2021 ("Improved DDPM", Eq. 17): abar(t) = f(t) / f(0), f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2),
    /// s = 0.008, beta_t = 1 - abar(t) / abar(t - 1) clipped to at most 0.999.
    /// </summary>
    Cosine = 1,

    /// <summary>
    /// Latent diffusion's schedule (Rombach et al. 2022; diffusers' "scaled_linear"): sqrt(beta) linear from sqrt(0.00085)
    /// to sqrt(0.012) over T steps, beta its square. For T = 1000 it ends at sqrt(abar_T) = 0.0683 (Lin et al. 2024, Sec. 3.1).
    /// </summary>
    ScaledLinear = 2,
}
