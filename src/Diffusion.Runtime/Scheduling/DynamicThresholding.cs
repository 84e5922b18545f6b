using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// Imagen's dynamic thresholding of the predicted clean sample (Saharia et al. 2022, Sec. 2.3), with diffusers'
/// <c>dynamic_thresholding_ratio</c> and <c>sample_max_value</c>: s is the <see cref="Ratio"/>-quantile of |x0_hat| per
/// sample, clamped to [1, <see cref="MaxValue"/>]; x0_hat becomes clip(x0_hat, -s, s) / s. Pixel-space only: a latent
/// model's x_0 has no fixed range.
/// </summary>
/// <param name="Ratio">The quantile p in (0, 1]; Imagen uses 0.995.</param>
/// <param name="MaxValue">The largest s; with s clamped to at least 1 first, a value at or below 1 is static clipping to [-MaxValue, MaxValue] rescaled.</param>
public sealed record DynamicThresholding(double Ratio = 0.995, double MaxValue = 1.0)
{
    /// <summary>Throws, naming the field, when a value is outside its range.</summary>
    public void Validate()
    {
        if (!(Ratio > 0 && Ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "The dynamic thresholding ratio is a quantile in (0, 1], such as 0.995.");
        if (!(MaxValue > 0) || double.IsInfinity(MaxValue))
            throw new ArgumentOutOfRangeException(nameof(MaxValue), MaxValue, "The dynamic thresholding maximum must be a positive finite number.");
    }

    /// <summary>x0_hat (N, ...) thresholded; a new tensor of x0_hat's dtype.</summary>
    public Tensor Apply(Tensor cleanSample)
    {
        ArgumentNullException.ThrowIfNull(cleanSample);
        using var scope = NewDisposeScope();
        long n = cleanSample.shape[0];
        // torch.quantile needs float32 or float64 (diffusers upcasts half precision the same way).
        var work = cleanSample.dtype is ScalarType.Float32 or ScalarType.Float64 ? cleanSample : cleanSample.to(ScalarType.Float32);
        var flat = work.reshape(n, -1);                                     // (N, D)
        using var q = tensor(Ratio, dtype: flat.dtype, device: flat.device);
        var s = flat.abs().quantile(q, dim: 1);                             // (N): the p-quantile of |x0_hat| (linear interpolation, torch.quantile's default)
        using var one = 1.0.ToScalar();
        using var max = MaxValue.ToScalar();
        s = s.clamp(one, max).unsqueeze(1);                                 // (N, 1): s in [1, MaxValue], as torch.clamp(min, max) orders them
        var thresholded = flat.clamp(-s, s) / s;                            // clip(x0_hat, -s, s) / s (Saharia et al. 2022, Sec. 2.3)
        return thresholded.reshape(cleanSample.shape).to(cleanSample.dtype).MoveToOuterDisposeScope();
    }
}
