using System;

namespace Diffusion.Runtime.Schedules;

/// <summary>
/// The float64 coefficients of one reverse step from training step t to an earlier step s (see
/// <see cref="NoiseSchedule.Transition"/>): q(x_s | x_t, x_0) = N(mu~, beta~ I) with
/// mu~ = <see cref="PosteriorMeanCoef1"/> x_0 + <see cref="PosteriorMeanCoef2"/> x_t (Ho et al. 2020, Eq. 6-7).
/// </summary>
/// <param name="AlphaBar">abar_t.</param>
/// <param name="AlphaBarPrev">abar_s (1 past the end of the chain).</param>
/// <param name="Beta">beta = 1 - abar_t / abar_s, the respaced forward variance.</param>
/// <param name="PosteriorVariance">beta~ = (1 - abar_s) / (1 - abar_t) beta.</param>
/// <param name="PosteriorMeanCoef1">The coefficient of x_0 in mu~.</param>
/// <param name="PosteriorMeanCoef2">The coefficient of x_t in mu~.</param>
public sealed record ScheduleTransition(
    double AlphaBar,
    double AlphaBarPrev,
    double Beta,
    double PosteriorVariance,
    double PosteriorMeanCoef1,
    double PosteriorMeanCoef2)
{
    /// <summary>
    /// The posterior q(x_s | x_t, x_0) of a step with forward variance <paramref name="beta"/> = 1 - abar_t / abar_s: the one
    /// place these formulas live (the schedule's tables and <see cref="NoiseSchedule.Transition"/> both use it).
    /// </summary>
    public static ScheduleTransition Between(double beta, double alphaBar, double alphaBarPrev) => new(
        AlphaBar: alphaBar,
        AlphaBarPrev: alphaBarPrev,
        Beta: beta,
        // beta~ = (1 - abar_s) / (1 - abar_t) beta (Ho et al. 2020, Eq. 7)
        PosteriorVariance: beta * (1.0 - alphaBarPrev) / (1.0 - alphaBar),
        // mu~ = sqrt(abar_s) beta / (1 - abar_t) x_0 + sqrt(1 - beta) (1 - abar_s) / (1 - abar_t) x_t (Eq. 7)
        PosteriorMeanCoef1: beta * Math.Sqrt(alphaBarPrev) / (1.0 - alphaBar),
        PosteriorMeanCoef2: (1.0 - alphaBarPrev) * Math.Sqrt(1.0 - beta) / (1.0 - alphaBar));

    /// <summary>sqrt(abar_t).</summary>
    public double SqrtAlphaBar => Math.Sqrt(AlphaBar);

    /// <summary>sqrt(1 - abar_t).</summary>
    public double SqrtOneMinusAlphaBar => Math.Sqrt(1.0 - AlphaBar);
}
