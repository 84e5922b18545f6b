namespace Diffusion.Runtime.Scheduling;

/// <summary>What the network predicts, under diffusers' <c>prediction_type</c> names; <see cref="PredictionConversion"/> converts.</summary>
public enum PredictionType
{
    /// <summary>The noise eps of x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4 and 11).</summary>
    Epsilon,

    /// <summary>The clean sample x_0 itself (diffusers' "sample").</summary>
    Sample,

    /// <summary>The velocity v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4; diffusers' "v_prediction").</summary>
    VPrediction,
}
