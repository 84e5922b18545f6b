using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a noise schedule: the forward process q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) of Ho et al. 2020
/// (Eq. 4) with the betas that <see cref="Kind"/> names. The generator adds a static <c>Create()</c> that builds the
/// schedule's float64 tables (betas, cumulative products, posterior coefficients).
/// </summary>
/// <example><code>
/// [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 1000)]
/// public partial class MnistSchedule;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NoiseScheduleAttribute : Attribute
{
    /// <param name="kind">How the betas are chosen.</param>
    public NoiseScheduleAttribute(ScheduleKind kind) => Kind = kind;

    /// <summary>How the betas are chosen.</summary>
    public ScheduleKind Kind { get; }

    /// <summary>T, the number of training timesteps (positive). The network sees t in 0..T-1.</summary>
    public int Timesteps { get; set; } = 1000;

    /// <summary>
    /// Rescales the schedule so that abar_T = 0, a zero terminal signal-to-noise ratio (Lin et al. 2024, "Common Diffusion
    /// Noise Schedules and Sample Steps are Flawed", Algorithm 1): sqrt(abar_t) is shifted and scaled so that its first
    /// value is kept and its last is 0. The model then sees pure noise at t = T, as sampling starts from; predict
    /// <see cref="Prediction.Velocity"/> or <see cref="Prediction.CleanSample"/>, since x0_hat from eps is undefined there.
    /// </summary>
    public bool ZeroTerminalSnr { get; set; }
}
