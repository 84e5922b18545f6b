namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// What the network predicts, under diffusers' <c>prediction_type</c> names; <see cref="PredictionConversion"/> converts.
/// Only the kinds diffusers' schedulers know: a declared model may also predict the posterior mean of x_{t-1}
/// (<c>Diffusion.Dsl.Prediction.Mean</c>, improved-diffusion's "previous x"), which diffusers has no type for, so it is
/// not here; its conversion needs the one-step posterior's coefficients and lives in the generated hub.
/// </summary>
public enum PredictionType
{
    /// <summary>The noise eps of x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4 and 11).</summary>
    Epsilon,

    /// <summary>The clean sample x_0 itself (diffusers' "sample").</summary>
    Sample,

    /// <summary>The velocity v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4; diffusers' "v_prediction").</summary>
    VPrediction,
}
