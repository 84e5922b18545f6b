namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// How the training betas are laid out, under diffusers' <c>beta_schedule</c> names so a diffusers configuration
/// translates one to one (<see cref="SchedulerConfig.TrainedBetas"/> replaces all of them).
/// </summary>
public enum BetaSchedule
{
    /// <summary>
    /// beta_t linear from <see cref="SchedulerConfig.BetaStart"/> to <see cref="SchedulerConfig.BetaEnd"/> (Ho et al.
    /// 2020, Sec. 4); whether the ends are scaled by 1000 / T is <see cref="SchedulerConfig.LinearEnds"/>.
    /// </summary>
    Linear,

    /// <summary>
    /// diffusers' "scaled_linear" (latent diffusion, Rombach et al. 2022): sqrt(beta_t) linear between the square roots
    /// of the ends, beta_t its square; never rescaled by T.
    /// </summary>
    ScaledLinear,

    /// <summary>
    /// diffusers' "squaredcos_cap_v2": the cosine schedule (Nichol and Dhariwal 2021, Eq. 17) with s = 0.008 and
    /// beta capped at 0.999; the ends are ignored.
    /// </summary>
    SquaredCosCapV2,
}
