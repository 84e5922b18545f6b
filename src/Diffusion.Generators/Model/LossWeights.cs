using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>
/// The factor by which the loss multiplies the prediction's own squared error so that the objective is
/// lambda(t) || x_0 - x0_hat ||^2 for the declared weighting lambda (Diffusion.Dsl.LossWeighting): lambda divided by the
/// weight the prediction's error carries on the clean-sample error, which is SNR for noise, 1 for the clean sample,
/// SNR + 1 for velocity and SNR (SNR + 1) for the score (Kingma et al. 2021, Sec. 5; Salimans and Ho 2022, Sec. 4).
/// </summary>
internal static class LossWeights
{
    /// <summary>The C# expression of the factor in <c>snr</c> and <c>gamma</c>, or null when it is 1 (the plain MSE).</summary>
    public static string? Expression(Prediction predicts, LossWeighting weighting) => (predicts, weighting) switch
    {
        (Prediction.Noise, LossWeighting.Noise) => null,
        (Prediction.Noise, LossWeighting.MinSnr) => "global::System.Math.Min(1.0, gamma / snr)",
        (Prediction.CleanSample, LossWeighting.Noise) => "snr",
        (Prediction.CleanSample, LossWeighting.CleanSample) => null,
        (Prediction.CleanSample, LossWeighting.Velocity) => "snr + 1.0",
        (Prediction.CleanSample, LossWeighting.TruncatedSnr) => "global::System.Math.Max(snr, 1.0)",
        (Prediction.CleanSample, LossWeighting.MinSnr) => "global::System.Math.Min(snr, gamma)",
        (Prediction.Velocity, LossWeighting.Noise) => "snr / (snr + 1.0)",
        (Prediction.Velocity, LossWeighting.CleanSample) => "1.0 / (snr + 1.0)",
        (Prediction.Velocity, LossWeighting.Velocity) => null,
        (Prediction.Velocity, LossWeighting.TruncatedSnr) => "global::System.Math.Max(snr, 1.0) / (snr + 1.0)",
        (Prediction.Velocity, LossWeighting.MinSnr) => "global::System.Math.Min(snr, gamma) / (snr + 1.0)",
        (Prediction.Score, LossWeighting.Noise) => "1.0 / (snr + 1.0)",
        (Prediction.Score, LossWeighting.MinSnr) => "global::System.Math.Min(1.0, gamma / snr) / (snr + 1.0)",
        _ => null,
    };

    /// <summary>The factor as math, for the generated comment.</summary>
    public static string Formula(Prediction predicts, LossWeighting weighting) =>
        Lambda(weighting) + " / " + Native(predicts);

    /// <summary>
    /// The factor as math when it grows without bound as SNR -> 0 (the noisy end of every schedule), else null: the
    /// combinations the generator rejects.
    /// </summary>
    public static string? UnboundedRatio(Prediction predicts, LossWeighting weighting) =>
        (predicts, weighting) switch
        {
            (Prediction.Noise or Prediction.Score, LossWeighting.CleanSample or LossWeighting.Velocity or LossWeighting.TruncatedSnr)
                => Formula(predicts, weighting),
            _ => null,
        };

    /// <summary>lambda(t) on the clean-sample error.</summary>
    public static string Lambda(LossWeighting weighting) => weighting switch
    {
        LossWeighting.CleanSample => "1",
        LossWeighting.Velocity => "(SNR(t) + 1)",
        LossWeighting.TruncatedSnr => "max(SNR(t), 1)",
        LossWeighting.MinSnr => "min(SNR(t), gamma)",
        _ => "SNR(t)",
    };

    /// <summary>The weight the prediction's own squared error carries on the clean-sample error.</summary>
    public static string Native(Prediction predicts) => predicts switch
    {
        Prediction.CleanSample => "1",
        Prediction.Velocity => "(SNR(t) + 1)",
        Prediction.Score => "(SNR(t) (SNR(t) + 1))",
        _ => "SNR(t)",
    };
}
