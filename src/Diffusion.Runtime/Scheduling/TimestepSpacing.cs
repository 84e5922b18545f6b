namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// How <see cref="InferenceTimesteps.Spaced"/> picks S of the T training timesteps. The first three are diffusers'
/// <c>timestep_spacing</c> values (Lin et al. 2024, Table 2, names them); the last is improved-diffusion's respacing.
/// </summary>
public enum TimestepSpacing
{
    /// <summary>
    /// diffusers' default: k (T div S) + steps_offset for k = S-1..0. Starts below T - 1 unless the offset makes up for
    /// it, so the noisiest trained step is never visited (Lin et al. 2024, Sec. 3.3).
    /// </summary>
    Leading,

    /// <summary>round(T - k T / S) - 1 for k = 0..S-1: always starts at T - 1 (Lin et al. 2024, Table 2).</summary>
    Trailing,

    /// <summary>round(linspace(0, T - 1, S)), descending: both ends included.</summary>
    Linspace,

    /// <summary>
    /// improved-diffusion's <c>space_timesteps(T, "S")</c> (Nichol and Dhariwal 2021, Sec. 4): a fractional stride
    /// (T - 1) / (S - 1) accumulated and rounded with Python's <c>round</c>, half to even, descending.
    /// <see cref="Schedules.NoiseSchedule.EvenlySpacedSteps"/> rounds half away from zero instead (1000 steps, 7 samples:
    /// 833 and 167 there, 832 and 166 here).
    /// </summary>
    ImprovedDiffusion,
}
