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

    /// <summary>
    /// log beta_t against values fixed outside the code: Ho et al. 2020's linear ends, beta_1 = 1e-4 and beta_T = 0.02
    /// (log 1e-4 = -9.210340371976182, log 0.02 = -3.912023005428146), and the cosine schedule's closed form (Nichol and
    /// Dhariwal 2021, Eq. 17): the log(1 - beta_t) telescope to log abar_t = log(f(t) / f(0)) with
    /// f(t) = cos^2((t / T + 0.008) / 1.008 * pi / 2) up to the last step, whose beta is clipped to 0.999.
    /// </summary>
    [Fact]
    public void Log_betas_match_the_published_ends_and_the_cosine_closed_form()
    {
        var linear = NoiseSchedule.Linear(1000);
        Assert.Equal(-9.210340371976182, linear.LogBetas[0], 12);
        Assert.Equal(-3.912023005428146, linear.LogBetas[999], 12);

        const int T = 100;
        var cosine = NoiseSchedule.Cosine(T);
        static double F(double t) => Math.Pow(Math.Cos((t / T + 0.008) / 1.008 * Math.PI / 2), 2);
        double logAlphaBar = 0;
        foreach (int t in Enumerable.Range(0, T - 1))
        {
            logAlphaBar += Math.Log(1 - Math.Exp(cosine.LogBetas[t]));
            Assert.Equal(Math.Log(F(t + 1) / F(0)), logAlphaBar, 9);
        }
        Assert.Equal(Math.Log(0.999), cosine.LogBetas[T - 1], 12);
    }
}
