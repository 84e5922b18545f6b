using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// What a config does to x0_hat before a step uses it: dynamic thresholding (Saharia et al. 2022, Sec. 2.3) when set,
/// otherwise static clipping to [-range, range] when asked, otherwise nothing; diffusers' order of precedence.
/// </summary>
internal static class CleanSampleLimit
{
    /// <summary>x0_hat limited as <paramref name="config"/> says (x0_hat itself when nothing applies).</summary>
    public static Tensor Apply(SchedulerConfig config, Tensor cleanSample)
    {
        if (config.Thresholding is { } dynamic) return dynamic.Apply(cleanSample);
        if (!config.ClipSample) return cleanSample;
        using var low = (-config.ClipSampleRange).ToScalar();
        using var high = config.ClipSampleRange.ToScalar();
        return cleanSample.clamp(low, high);                                // clip(x0_hat, -r, r)
    }
}
