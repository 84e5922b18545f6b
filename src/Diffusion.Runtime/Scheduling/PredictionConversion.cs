using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The one place a network's output becomes the pair every sampler consumes: the predicted clean sample x0_hat and
/// the predicted noise eps_hat, from x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4). Samplers
/// never switch on <see cref="PredictionType"/> themselves.
/// </summary>
public static class PredictionConversion
{
    /// <summary>
    /// (x0_hat, eps_hat) from <paramref name="modelOutput"/> at x_t = <paramref name="sample"/>, with
    /// <paramref name="sqrtAlphaBar"/> = sqrt(abar_t) and <paramref name="sqrtOneMinusAlphaBar"/> = sqrt(1 - abar_t)
    /// broadcastable against the sample. New tensors in the current dispose scope.
    /// </summary>
    public static (Tensor CleanSample, Tensor Noise) Split(
        PredictionType type, Tensor modelOutput, Tensor sample, Tensor sqrtAlphaBar, Tensor sqrtOneMinusAlphaBar) => type switch
    {
        // x0_hat = (x_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t) (Ho et al. 2020, Eq. 15); eps_hat is the output
        PredictionType.Epsilon => ((sample - sqrtOneMinusAlphaBar * modelOutput) / sqrtAlphaBar, modelOutput.alias()),
        // eps_hat = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t) (Eq. 4 solved for eps); x0_hat is the output
        PredictionType.Sample => (modelOutput.alias(), NoiseFromCleanSample(sample, modelOutput, sqrtAlphaBar, sqrtOneMinusAlphaBar)),
        // x0_hat = sqrt(abar_t) x_t - sqrt(1 - abar_t) v, eps_hat = sqrt(abar_t) v + sqrt(1 - abar_t) x_t (Salimans and Ho 2022, Sec. 4 and Appendix D)
        PredictionType.VPrediction => (sqrtAlphaBar * sample - sqrtOneMinusAlphaBar * modelOutput, sqrtAlphaBar * modelOutput + sqrtOneMinusAlphaBar * sample),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown prediction type."),
    };

    /// <summary>eps_hat = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t): Ho et al. 2020, Eq. 4 solved for the noise.</summary>
    public static Tensor NoiseFromCleanSample(Tensor sample, Tensor cleanSample, Tensor sqrtAlphaBar, Tensor sqrtOneMinusAlphaBar) =>
        (sample - sqrtAlphaBar * cleanSample) / sqrtOneMinusAlphaBar;
}
