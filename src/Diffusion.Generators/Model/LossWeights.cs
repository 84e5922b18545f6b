using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>
/// The factor by which the loss multiplies the prediction's own squared error so that the objective is
/// lambda(t) || x_0 - x0_hat ||^2 for the declared weighting lambda (Diffusion.Dsl.LossWeighting): lambda divided by the
/// weight the prediction's error carries on the clean-sample error, which is SNR for noise, 1 for the clean sample,
/// SNR + 1 for velocity and SNR (SNR + 1) for the score (Kingma et al. 2021, Sec. 5; Salimans and Ho 2022, Sec. 4), and
/// coef1_t^2 for the posterior mean (mu_theta - mu~_t = coef1_t (x0_hat - x_0) at fixed x_t, Ho et al. 2020, Eq. 7):
/// not a function of SNR alone, so the Mean factor also takes <c>meanCoef1</c> (<see cref="TakesMeanCoefficient"/>).
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
        // SNR / coef1^2 = alpha_t (1 - abar_t) / beta_t^2: the mean's squared error as || eps - eps_hat ||^2 (Eq. 11-12).
        (Prediction.Mean, LossWeighting.Noise) => "snr / (meanCoef1 * meanCoef1)",
        (Prediction.Mean, LossWeighting.MinSnr) => "global::System.Math.Min(snr, gamma) / (meanCoef1 * meanCoef1)",
        _ => null,
    };

    /// <summary>Whether the factor depends on coef1_t as well as on SNR(t): the posterior mean's.</summary>
    public static bool TakesMeanCoefficient(Prediction predicts) => predicts == Prediction.Mean;

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
            // For the mean, 1 / coef1_t^2 = (1 - abar_t)^2 / (beta_t^2 abar_{t-1}) grows like 1 / SNR(t - 1).
            (Prediction.Noise or Prediction.Score or Prediction.Mean,
                LossWeighting.CleanSample or LossWeighting.Velocity or LossWeighting.TruncatedSnr)
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
        Prediction.Mean => "coef1_t^2",
        _ => "SNR(t)",
    };
}
