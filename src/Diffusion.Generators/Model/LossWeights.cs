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
    public static string? Expression(PredictionValue predicts, WeightingValue weighting) => (predicts, weighting) switch
    {
        (PredictionValue.Noise, WeightingValue.Noise) => null,
        (PredictionValue.Noise, WeightingValue.MinSnr) => "global::System.Math.Min(1.0, gamma / snr)",
        (PredictionValue.CleanSample, WeightingValue.Noise) => "snr",
        (PredictionValue.CleanSample, WeightingValue.CleanSample) => null,
        (PredictionValue.CleanSample, WeightingValue.Velocity) => "snr + 1.0",
        (PredictionValue.CleanSample, WeightingValue.TruncatedSnr) => "global::System.Math.Max(snr, 1.0)",
        (PredictionValue.CleanSample, WeightingValue.MinSnr) => "global::System.Math.Min(snr, gamma)",
        (PredictionValue.Velocity, WeightingValue.Noise) => "snr / (snr + 1.0)",
        (PredictionValue.Velocity, WeightingValue.CleanSample) => "1.0 / (snr + 1.0)",
        (PredictionValue.Velocity, WeightingValue.Velocity) => null,
        (PredictionValue.Velocity, WeightingValue.TruncatedSnr) => "global::System.Math.Max(snr, 1.0) / (snr + 1.0)",
        (PredictionValue.Velocity, WeightingValue.MinSnr) => "global::System.Math.Min(snr, gamma) / (snr + 1.0)",
        (PredictionValue.Score, WeightingValue.Noise) => "1.0 / (snr + 1.0)",
        (PredictionValue.Score, WeightingValue.MinSnr) => "global::System.Math.Min(1.0, gamma / snr) / (snr + 1.0)",
        _ => null,
    };

    /// <summary>The factor as math, for the generated comment.</summary>
    public static string Formula(PredictionValue predicts, WeightingValue weighting) =>
        Lambda(weighting) + " / " + Native(predicts);

    /// <summary>
    /// The factor as math when it grows without bound as SNR -> 0 (the noisy end of every schedule), else null: the
    /// combinations the generator rejects.
    /// </summary>
    public static string? UnboundedRatio(PredictionValue predicts, WeightingValue weighting) =>
        (predicts, weighting) switch
        {
            (PredictionValue.Noise or PredictionValue.Score, WeightingValue.CleanSample or WeightingValue.Velocity or WeightingValue.TruncatedSnr)
                => Formula(predicts, weighting),
            _ => null,
        };

    /// <summary>lambda(t) on the clean-sample error.</summary>
    public static string Lambda(WeightingValue weighting) => weighting switch
    {
        WeightingValue.CleanSample => "1",
        WeightingValue.Velocity => "(SNR(t) + 1)",
        WeightingValue.TruncatedSnr => "max(SNR(t), 1)",
        WeightingValue.MinSnr => "min(SNR(t), gamma)",
        _ => "SNR(t)",
    };

    /// <summary>The weight the prediction's own squared error carries on the clean-sample error.</summary>
    public static string Native(PredictionValue predicts) => predicts switch
    {
        PredictionValue.CleanSample => "1",
        PredictionValue.Velocity => "(SNR(t) + 1)",
        PredictionValue.Score => "(SNR(t) (SNR(t) + 1))",
        _ => "SNR(t)",
    };
}
