using System;
using System.Linq;
using Diffusion.Runtime.Schedules;
using Xunit;

namespace Diffusion.Runtime.Tests.Schedules;

/// <summary>The scaled-linear schedule and the zero-terminal-SNR rescaling against published values and their definitions.</summary>
public class ScheduleVariantTests
{
    /// <summary>
    /// Stable Diffusion's schedule ends at sqrt(abar_T) = 0.068265, SNR 0.004682 (Lin et al. 2024, Sec. 3.1, Table 1), and
    /// starts at beta_1 = 0.00085.
    /// </summary>
    [Fact]
    public void Scaled_linear_matches_stable_diffusions_published_terminal_signal()
    {
        var schedule = NoiseSchedule.ScaledLinear(1000);
        Assert.Equal(0.00085, schedule.Betas[0], 12);
        Assert.Equal(0.012, schedule.Betas[999], 12);
        Assert.Equal(0.068265, schedule.SqrtAlphasCumprod[999], 1e-6); // published to 6 decimals
        Assert.Equal(0.004682, schedule.SignalToNoise[999], 1e-6);
        // sqrt(beta) is linear: its second differences vanish.
        var roots = schedule.Betas.Select(Math.Sqrt).ToArray();
        Assert.All(Enumerable.Range(1, 998), i => Assert.Equal(0, roots[i + 1] - 2 * roots[i] + roots[i - 1], 12));
    }

    /// <summary>
    /// Lin et al. 2024, Algorithm 1: sqrt(abar) shifted and scaled, so the first value is kept, the last is 0 (beta_T = 1,
    /// SNR_T = 0), and in between sqrt(abar) is an affine function of the original.
    /// </summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("scaled-linear")]
    [InlineData("cosine")]
    public void Zero_terminal_snr_keeps_the_first_step_and_ends_at_pure_noise(string kind)
    {
        var original = kind switch { "linear" => NoiseSchedule.Linear(1000), "cosine" => NoiseSchedule.Cosine(1000), _ => NoiseSchedule.ScaledLinear(1000) };
        var rescaled = original.RescaleToZeroTerminalSnr();
        Assert.Equal(original.SqrtAlphasCumprod[0], rescaled.SqrtAlphasCumprod[0], 12);
        Assert.Equal(0.0, rescaled.AlphasCumprod[999]);
        Assert.Equal(1.0, rescaled.Betas[999]);
        Assert.Equal(0.0, rescaled.SignalToNoise[999]);
        double first = original.SqrtAlphasCumprod[0], last = original.SqrtAlphasCumprod[999];
        foreach (int t in new[] { 1, 250, 500, 998 })
            Assert.Equal((original.SqrtAlphasCumprod[t] - last) * first / (first - last), rescaled.SqrtAlphasCumprod[t], 10);
        Assert.All(rescaled.Betas, b => Assert.InRange(b, 0.0, 1.0));
    }

    [Fact]
    public void Log_betas_are_the_logs_of_the_betas()
    {
        var schedule = NoiseSchedule.Cosine(100);
        Assert.All(Enumerable.Range(0, 100), t => Assert.Equal(Math.Log(schedule.Betas[t]), schedule.LogBetas[t], 12));
    }
}
