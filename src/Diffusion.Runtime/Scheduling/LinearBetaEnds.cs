namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// Whether <see cref="BetaSchedule.Linear"/>'s ends are taken as given or scaled by 1000 / T. The two agree at T = 1000,
/// where every published diffusers value was measured; they part for other T.
/// </summary>
public enum LinearBetaEnds
{
    /// <summary>
    /// improved-diffusion's <c>get_named_beta_schedule("linear", T)</c> (Nichol and Dhariwal 2021, Sec. 3.2): both ends
    /// times 1000 / T, so a shorter process keeps the 1000-step process's terminal signal-to-noise ratio. The default,
    /// as in <see cref="Schedules.NoiseSchedule.Linear"/>.
    /// </summary>
    ScaledByThousandOverT,

    /// <summary>diffusers' <c>torch.linspace(beta_start, beta_end, T)</c>: the ends as given, whatever T is.</summary>
    AsGiven,
}
