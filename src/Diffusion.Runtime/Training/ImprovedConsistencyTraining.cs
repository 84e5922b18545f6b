using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The improvements of Song and Dhariwal 2023 ("Improved Techniques for Training Consistency Models") that a generated
/// consistency loss calls: the doubling level count N(k) (Sec. 3.4), log-normal sampling of the level index (Sec. 3.5)
/// and the pseudo-Huber distance (Sec. 3.3).
/// </summary>
public static class ImprovedConsistencyTraining
{
    /// <summary>s_0, the initial level count (Song and Dhariwal 2023, Sec. 3.4: 10).</summary>
    public const int InitialCount = 10;

    /// <summary>s_1, the final level count (Song and Dhariwal 2023, Sec. 3.4: 1280).</summary>
    public const int FinalCount = 1280;

    /// <summary>P_mean of the log-normal level distribution (Song and Dhariwal 2023, Sec. 3.5: -1.1).</summary>
    public const double LogMean = -1.1;

    /// <summary>P_std of the log-normal level distribution (Song and Dhariwal 2023, Sec. 3.5: 2.0).</summary>
    public const double LogStd = 2.0;

    /// <summary>
    /// N(k) = min(s_0 2^floor(k / K'), s_1) + 1 with K' = floor(K / (log2 floor(s_1 / s_0) + 1)) (Song and Dhariwal 2023,
    /// Sec. 3.4), k = <paramref name="step"/> - 1 (the paper counts from 0, the trainer from 1), K =
    /// <paramref name="totalSteps"/>; K' is at least 1, so a run shorter than the 8 doublings still reaches s_1 + 1.
    /// </summary>
    public static int LevelCount(long step, long totalSteps, int initial = InitialCount, int final = FinalCount)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Training steps count from 1.");
        if (totalSteps < step) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"The run has fewer steps than step {step}.");
        if (initial < 1 || final < initial) throw new ArgumentOutOfRangeException(nameof(final), $"Use 1 <= s_0 <= s_1 (got {initial}, {final}).");
        int doublings = (int)Math.Floor(Math.Log2(Math.Floor(final / (double)initial)));
        long period = Math.Max(1, totalSteps / (doublings + 1));                       // K'
        long k = step - 1;
        long exponent = Math.Min(k / period, 62);
        long count = Math.Min(initial * (1L << (int)Math.Min(exponent, 30)), final);     // min(s_0 2^floor(k / K'), s_1)
        return (int)count + 1;
    }

    /// <summary>
    /// p(i) proportional to erf((ln s_{i+1} - P_mean) / (sqrt(2) P_std)) - erf((ln s_i - P_mean) / (sqrt(2) P_std)) for
    /// i = 1..N-1 (Song and Dhariwal 2023, Sec. 3.5): the log-normal mass between consecutive levels, unnormalised,
    /// 0-based (entry i is the pair (s_{i+1}, s_{i+2}) of the 1-based text). <paramref name="levels"/> ascend, float64.
    /// </summary>
    public static Tensor LevelWeights(Tensor levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.dim() != 1 || levels.shape[0] < 2) throw new ArgumentException("Give at least two ascending levels (shape [N]).", nameof(levels));
        using var scope = NewDisposeScope();
        using var mean = LogMean.ToScalar();
        using var scale = (1.0 / (Math.Sqrt(2.0) * LogStd)).ToScalar();
        var cdf = levels.to(ScalarType.Float64).log().sub_(mean).mul_(scale).erf_();  // erf((ln s - P_mean) / (sqrt(2) P_std))
        long n = levels.shape[0];
        return (cdf.narrow(0, 1, n - 1) - cdf.narrow(0, 0, n - 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> indices i in 0..N-2 drawn with replacement from <see cref="LevelWeights"/> by
    /// <paramref name="generator"/>: int64, on the levels' device.
    /// </summary>
    public static Tensor DrawLevelIndices(Tensor levels, long count, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var weights = LevelWeights(levels);
        return weights.multinomial(count, replacement: true, generator: generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// d(x, y) = sqrt(||x - y||^2 + c^2) - c per sample with c = 0.00054 sqrt(d), d the dimension of one sample (Song and
    /// Dhariwal 2023, Sec. 3.3): (N) from two (N, ...) tensors.
    /// </summary>
    public static Tensor PseudoHuber(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!x.shape.SequenceEqual(y.shape)) throw new ArgumentException("x and y must have the same shape.", nameof(y));
        using var scope = NewDisposeScope();
        long dimension = x.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        double c = 0.00054 * Math.Sqrt(dimension);
        using var cScalar = c.ToScalar();
        using var cSquared = (c * c).ToScalar();
        var squared = (x - y).square().flatten(1).sum(1);                               // ||x - y||^2
        // Out of place: backward needs the square root's own output.
        return squared.add(cSquared).sqrt().sub(cScalar).MoveToOuterDisposeScope();      // sqrt(||x - y||^2 + c^2) - c
    }
}
