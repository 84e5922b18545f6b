using System;
using System.Linq;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Schedules;

public class NoiseScheduleTests
{
    public static TheoryData<string, int> ForwardCases() => new()
    {
        { "linear", 0 }, { "linear", 250 }, { "linear", 999 }, { "cosine", 0 }, { "cosine", 500 }, { "cosine", 990 },
    };

    /// <summary>
    /// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, assembled from Gather, has mean sqrt(abar_t) x_0 and variance
    /// 1 - abar_t (SCOPE section 1). With n samples the sample mean's standard error is sqrt((1 - abar)/n) and the
    /// sample variance's is (1 - abar) sqrt(2/n); the bounds are 5 standard errors.
    /// </summary>
    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void ForwardProcessHasTheClosedFormMeanAndVariance(string kind, int t)
    {
        TestTorch.Init();
        var schedule = kind == "linear" ? NoiseSchedule.Linear(1000) : NoiseSchedule.Cosine(1000);
        const int n = 200_000;
        const double x0Value = 0.6;
        using var scope = NewDisposeScope();
        using var generator = new Generator(1234);
        var x0 = full([n, 1], x0Value);
        var steps = full([n], t, dtype: ScalarType.Int64);
        var eps = randn([n, 1], generator: generator);
        var xt = NoiseSchedule.Gather(schedule.SqrtAlphasCumprod, steps, 2) * x0
               + NoiseSchedule.Gather(schedule.SqrtOneMinusAlphasCumprod, steps, 2) * eps;
        var xt64 = xt.to(ScalarType.Float64);
        double mean = xt64.mean().item<double>(), variance = xt64.var().item<double>();

        double abar = schedule.AlphasCumprod[t];
        double expectedMean = Math.Sqrt(abar) * x0Value, expectedVariance = 1 - abar;
        Assert.True(Math.Abs(mean - expectedMean) < 5 * Math.Sqrt(expectedVariance / n) + 1e-6,
            $"mean {mean} vs {expectedMean} at t = {t}");
        Assert.True(Math.Abs(variance - expectedVariance) < 5 * expectedVariance * Math.Sqrt(2.0 / n) + 1e-7,
            $"variance {variance} vs {expectedVariance} at t = {t}");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(250)]
    [InlineData(100)]
    public void CosineBetasFollowTheClosedForm(int timesteps)
    {
        var schedule = NoiseSchedule.Cosine(timesteps);
        const double s = 0.008;
        for (int i = 0; i < timesteps; i++)
        {
            // Paper's 1-based t = i + 1: beta_t = 1 - f(t) / f(t - 1), f(t) = cos^2((t/T + s)/(1 + s) pi/2), at most 0.999.
            double f(double tt) { double c = Math.Cos((tt / timesteps + s) / (1 + s) * Math.PI / 2); return c * c; }
            double expected = Math.Min(1 - f(i + 1) / f(i), 0.999);
            Assert.Equal(expected, schedule.Betas[i], 12);
        }
        Assert.Equal(0.999, schedule.Betas[^1], 12); // f(T) = cos^2(pi/2) = 0: the last beta is clipped
    }

    [Fact]
    public void LinearEndpointsAre1e4And002ScaledBy1000OverT()
    {
        var full = NoiseSchedule.Linear(1000);
        Assert.Equal(1e-4, full.Betas[0], 15);
        Assert.Equal(0.02, full.Betas[^1], 15);
        Assert.Equal(1e-4 + (0.02 - 1e-4) * 500 / 999, full.Betas[500], 15);

        var short250 = NoiseSchedule.Linear(250);
        Assert.Equal(250, short250.Length);
        Assert.Equal(4e-4, short250.Betas[0], 15);
        Assert.Equal(0.08, short250.Betas[^1], 15);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("cosine")]
    public void RespacedAlphasCumprodEqualsTheOriginalOnTheSubsequence(string kind)
    {
        var schedule = kind == "linear" ? NoiseSchedule.Linear(1000) : NoiseSchedule.Cosine(1000);
        var steps = NoiseSchedule.EvenlySpacedSteps(1000, 50);
        var respaced = schedule.Respace(steps);
        Assert.Equal(50, respaced.Length);
        Assert.Equal(steps, respaced.TimestepMap.ToArray());
        for (int k = 0; k < steps.Length; k++)
            Assert.Equal(schedule.AlphasCumprod[steps[k]], respaced.AlphasCumprod[k], 12);

        // Respacing twice maps back to the original training timesteps.
        var twice = respaced.Respace([0, 10, 49]);
        Assert.Equal(new[] { steps[0], steps[10], steps[49] }, twice.TimestepMap.ToArray());
        Assert.Equal(schedule.AlphasCumprod[steps[10]], twice.AlphasCumprod[1], 12);
    }

    [Theory]
    [InlineData(1000, 50)]
    [InlineData(1000, 1000)]
    [InlineData(100, 7)]
    [InlineData(1000, 2)]
    public void EvenlySpacedStepsIncludeBothEndsAndHaveTheCount(int timesteps, int count)
    {
        var steps = NoiseSchedule.EvenlySpacedSteps(timesteps, count);
        Assert.Equal(count, steps.Length);
        Assert.Equal(0, steps[0]);
        Assert.Equal(timesteps - 1, steps[^1]);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second), "steps must increase strictly");
    }

    [Fact]
    public void EvenlySpacedStepsOfOneIsTheLastStep()
    {
        Assert.Equal(new[] { 999 }, NoiseSchedule.EvenlySpacedSteps(1000, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.EvenlySpacedSteps(10, 11));
    }

    /// <summary>SCOPE section 2, from the betas alone: mu~ = sqrt(abar_{t-1}) beta_t/(1 - abar_t) x_0 + sqrt(alpha_t)(1 - abar_{t-1})/(1 - abar_t) x_t, beta~ = (1 - abar_{t-1})/(1 - abar_t) beta_t.</summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("cosine")]
    public void PosteriorCoefficientsMatchTheFormula(string kind)
    {
        var schedule = kind == "linear" ? NoiseSchedule.Linear(1000) : NoiseSchedule.Cosine(1000);
        double abarPrev = 1.0;
        for (int i = 0; i < schedule.Length; i++)
        {
            double beta = schedule.Betas[i], alpha = 1 - beta, abar = abarPrev * alpha;
            Assert.Equal(Math.Sqrt(abarPrev) * beta / (1 - abar), schedule.PosteriorMeanCoef1[i], 10);
            Assert.Equal(Math.Sqrt(alpha) * (1 - abarPrev) / (1 - abar), schedule.PosteriorMeanCoef2[i], 10);
            Assert.Equal((1 - abarPrev) / (1 - abar) * beta, schedule.PosteriorVariance[i], 12);
            Assert.Equal(abar, schedule.AlphasCumprod[i], 12);
            abarPrev = abar;
        }
        Assert.Equal(0.0, schedule.PosteriorVariance[0]);
        Assert.Equal(1.0, schedule.PosteriorMeanCoef1[0], 12); // at t = 1 the posterior mean is x_0
    }

    [Fact]
    public void GatherBroadcastsTheTableRowsOnTheTimestepsDevice()
    {
        TestTorch.Init();
        var schedule = NoiseSchedule.Linear(100);
        using var t = tensor(new long[] { 0, 99, 3 });
        using var picked = NoiseSchedule.Gather(schedule.Betas, t, 4);
        Assert.Equal(new long[] { 3, 1, 1, 1 }, picked.shape);
        Assert.Equal(ScalarType.Float32, picked.dtype);
        Assert.Equal((float)schedule.Betas[99], picked[1, 0, 0, 0].item<float>());
    }
}
