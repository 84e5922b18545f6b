using System;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Scheduling;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Consistency;

/// <summary>
/// A noise-predicting network as an oracle for the generated consistency function: it maps the fractional timesteps it
/// receives back to levels s (the exact inverse of the log-linear interpolation of <see cref="LevelTimesteps"/>, for
/// levels inside the table), rebuilds the VE sample x = x_vp sqrt(1 + s^2) and returns the noise
/// eps = (x_vp - sqrt(abar) D) / sqrt(1 - abar) whose x0_hat through the hub is the chosen D(x, s). Float64.
/// </summary>
internal sealed class LevelOracle(NoiseSchedule schedule, Func<Tensor, Tensor, Tensor> cleanSample)
{
    private readonly double[] logSigmas = new LevelTimesteps(schedule.AlphasCumprod).Levels.Sigmas.Select(s => Math.Log(s)).ToArray();

    public Denoiser Denoiser => (xvp, t, labels) =>
    {
        using var scope = NewDisposeScope();
        var levels = t.to(ScalarType.Float64).cpu().data<double>().Select(SigmaOf).ToArray();
        var s = tensor(levels, dtype: ScalarType.Float64).reshape(-1, 1, 1, 1);
        var sqrtAlphaBar = (s * s + 1).rsqrt();
        var sqrtOneMinusAlphaBar = s * sqrtAlphaBar;
        var x = xvp.to(ScalarType.Float64) / sqrtAlphaBar;
        var clean = cleanSample(x, s);
        return ((xvp.to(ScalarType.Float64) - sqrtAlphaBar * clean) / sqrtOneMinusAlphaBar).to(xvp.dtype).MoveToOuterDisposeScope();
    };

    /// <summary>s of a fractional timestep: exp((1 - w) ln s_i + w ln s_{i+1}), i = floor(t), w = t - i.</summary>
    private double SigmaOf(double t)
    {
        int low = Math.Min((int)Math.Floor(t), logSigmas.Length - 2);
        double w = t - low;
        return Math.Exp((1 - w) * logSigmas[low] + w * logSigmas[low + 1]);
    }

    /// <summary>
    /// The D whose consistency function (Diffusion.Runtime.Scheduling.DenoiserConsistency) is <paramref name="f"/>:
    /// D = c_skip^EDM x + (f - c_skip x) s / (s - s_min), for s &gt; s_min.
    /// </summary>
    public static Tensor CleanSampleOf(Tensor f, Tensor x, Tensor s, ConsistencyScalings scalings)
    {
        var edmSkip = ConsistencyScalings.Edm(scalings.SigmaData).CSkip(s);
        return edmSkip * x + (f - scalings.CSkip(s) * x) * s / (s - scalings.SigmaMin);
    }

    /// <summary>f*(x, s) = mu + (x - mu) sqrt(tau^2 + s_min^2) / sqrt(tau^2 + s^2) of data N(mu, tau^2 I) (tau = 0: a point).</summary>
    public static Tensor ExactConsistency(Tensor x, Tensor s, double mu, double tau, double sigmaMin) =>
        (x - mu) * (Math.Sqrt(tau * tau + sigmaMin * sigmaMin) / (s * s + tau * tau).sqrt()) + mu;
}
