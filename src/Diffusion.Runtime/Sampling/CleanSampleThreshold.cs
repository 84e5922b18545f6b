using System;
using Diffusion.Dsl;
using TorchSharp;
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
        Thresholding.Static => Static(cleanSample),    // clip(x0_hat, -1, 1)
        Thresholding.Dynamic => Dynamic(cleanSample, percentile),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown thresholding."),
    };

    // Explicit Scalars, disposed on return: TorchSharp 0.107 turns a double argument into a native Scalar that only a
    // finalizer frees, and the samplers call this once per step (see Training.AdamW).
    private static Tensor Static(Tensor cleanSample)
    {
        using var low = (-1.0).ToScalar();
        using var high = 1.0.ToScalar();
        return cleanSample.clamp(low, high);
    }

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
        using var fractionScalar = fraction.ToScalar();
        using var alphaOne = 1.ToScalar();
        var s = lower.add((sorted.select(1, above) - lower).mul(fractionScalar), alphaOne);    // (N): the p-th percentile of |x0_hat|
        using (var one = 1.0.ToScalar()) s = s.clamp_min(one);           // s = max(s, 1)
        var shape = new long[cleanSample.dim()];
        Array.Fill(shape, 1L);
        shape[0] = n;
        s = s.reshape(shape);                                            // (N, 1, ..., 1)
        var result = cleanSample.clamp(-s, s) / s;                       // clip(x0_hat, -s, s) / s
        return result.MoveToOuterDisposeScope();
    }
}
