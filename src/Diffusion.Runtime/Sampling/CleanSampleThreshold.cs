using System;
using Diffusion.Dsl;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Sampling;

/// <summary>Thresholding of the predicted clean sample x0_hat (SCOPE section 5); the generated samplers call it.</summary>
public static class CleanSampleThreshold
{
    /// <summary>Imagen's percentile p for dynamic thresholding (Saharia et al. 2022, Sec. 2.3): 99.5%.</summary>
    public const double DefaultPercentile = 0.995;

    /// <summary>x0_hat (N, ...) thresholded as <paramref name="kind"/> says; a new tensor, x0_hat itself for None.</summary>
    public static Tensor Apply(Tensor cleanSample, Thresholding kind, double percentile = DefaultPercentile) => kind switch
    {
        Thresholding.None => cleanSample,
        Thresholding.Static => cleanSample.clamp(-1.0, 1.0),    // clip(x0_hat, -1, 1)
        Thresholding.Dynamic => Dynamic(cleanSample, percentile),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown thresholding."),
    };

    /// <summary>
    /// s = percentile_p(|x0_hat|) per sample (linear interpolation between order statistics, as numpy's and
    /// torch.quantile's default), s = max(s, 1), x0_hat = clip(x0_hat, -s, s) / s (Saharia et al. 2022, Sec. 2.3).
    /// </summary>
    public static Tensor Dynamic(Tensor cleanSample, double percentile)
    {
        if (!(percentile > 0 && percentile <= 1))
            throw new ArgumentOutOfRangeException(nameof(percentile), $"percentile = {percentile}; use a value in (0, 1], such as 0.995.");
        using var scope = NewDisposeScope();
        long n = cleanSample.shape[0];
        var sorted = cleanSample.abs().reshape(n, -1).sort(1).Values;    // (N, D), ascending
        long d = sorted.shape[1];
        double position = percentile * (d - 1);
        long below = (long)Math.Floor(position), above = Math.Min(below + 1, d - 1);
        double fraction = position - below;
        var lower = sorted.select(1, below);
        var s = lower + fraction * (sorted.select(1, above) - lower);    // (N): the p-th percentile of |x0_hat|
        s = s.clamp_min(1.0);                                            // s = max(s, 1)
        var shape = new long[cleanSample.dim()];
        Array.Fill(shape, 1L);
        shape[0] = n;
        s = s.reshape(shape);                                            // (N, 1, ..., 1)
        var result = cleanSample.clamp(-s, s) / s;                       // clip(x0_hat, -s, s) / s
        return result.MoveToOuterDisposeScope();
    }
}
