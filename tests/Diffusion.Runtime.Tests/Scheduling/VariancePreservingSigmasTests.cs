using System;
using System.Linq;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// A VP schedule's variance-exploding levels s_t = sqrt((1 - abar_t) / abar_t) (Song et al. 2023, Sec. 3): the sample
/// conversions, the timesteps of levels, and the cosine schedule's smallest level.
/// </summary>
public class VariancePreservingSigmasTests
{
    /// <summary>x_vp -> x_ve is division by sqrt(abar_t) at the table's levels, and x_ve -> x_vp undoes it.</summary>
    [Fact]
    public void ConversionsRoundTripAndDivideBySqrtAlphaBar()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Cosine(1000);
        var levels = new VariancePreservingSigmas(schedule.AlphasCumprod);
        int[] t = [0, 10, 500, 990, 999];
        using var generator = new Generator(20);
        var xVp = randn([t.Length, 2, 3], dtype: ScalarType.Float64, generator: generator);
        var sigma = tensor(t.Select(i => levels.Sigmas[i]).ToArray(), dtype: ScalarType.Float64);
        var xVe = VariancePreservingSigmas.ToVarianceExploding(xVp, sigma);
        var divided = xVp / tensor(t.Select(i => Math.Sqrt(schedule.AlphasCumprod[i])).ToArray(), dtype: ScalarType.Float64).reshape(-1, 1, 1);
        Assert.True(xVe.allclose(divided, rtol: 1e-12, atol: 0));
        Assert.True(VariancePreservingSigmas.ToVariancePreserving(xVe, sigma).allclose(xVp, rtol: 1e-13, atol: 0));
    }

    /// <summary>The timestep of a table level is its index exactly; halfway in log s is half a timestep.</summary>
    [Fact]
    public void TableLevelsMapToTheirTimesteps()
    {
        foreach (var schedule in new[] { NoiseSchedule.Cosine(1000), NoiseSchedule.Linear(1000), NoiseSchedule.Linear(50) })
        {
            var levels = new VariancePreservingSigmas(schedule.AlphasCumprod);
            for (int t = 0; t < levels.Sigmas.Count; t++)
                Assert.Equal(t, levels.TimestepOf(levels.Sigmas[t]));
            for (int t = 0; t + 1 < levels.Sigmas.Count; t += Math.Max(1, levels.Sigmas.Count / 50))
            {
                double between = Math.Sqrt(levels.Sigmas[t] * levels.Sigmas[t + 1]);
                Assert.Equal(t + 0.5, levels.TimestepOf(between), 9);
            }
        }
    }

    /// <summary>Levels outside [s_0, s_{T-1}] are refused; Clamp takes the nearest end, as diffusers does silently.</summary>
    [Fact]
    public void LevelsOutsideTheTableAreRefusedUnlessClamped()
    {
        var levels = new VariancePreservingSigmas(NoiseSchedule.Cosine(1000).AlphasCumprod);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.TimestepOf(0.002));
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.TimestepOf(levels.Max * 1.01));
        Assert.Equal(0, levels.TimestepOf(levels.Clamp(0.002)));
        Assert.Equal(999, levels.TimestepOf(levels.Clamp(1e9)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VariancePreservingSigmas([0.9, 0.5, 0.0]));
        Assert.Throws<ArgumentException>(() => new VariancePreservingSigmas([0.9, 0.95]));
    }

    /// <summary>
    /// The cosine schedule at T = 1000 (Nichol and Dhariwal 2021, Eq. 17): abar_0 = f(1 / T) / f(0) with
    /// f(u) = cos^2((u + 0.008) / 1.008 pi / 2), so s_0 = sqrt(f(0) / f(1 / T) - 1), about 0.0064, above Song et al.'s
    /// s_min = 0.002.
    /// </summary>
    [Fact]
    public void CosineSmallestLevelIsAboutPoint0064()
    {
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
        double expected = Math.Sqrt(F(0) / F(1 / 1000.0) - 1);
        var levels = new VariancePreservingSigmas(NoiseSchedule.Cosine(1000).AlphasCumprod);
        Assert.Equal(expected, levels.Min, 12);
        Assert.InRange(levels.Min, 0.00635, 0.00645);
        Assert.True(levels.Min > 0.002);
    }
}
