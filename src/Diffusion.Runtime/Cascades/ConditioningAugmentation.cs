using System;
using System.Collections.Generic;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// Noise conditioning augmentation of a super-resolution stage's low-resolution image (Ho et al. 2021, "Cascaded
/// Diffusion Models", Sec. 4.1 and 4.2): Gaussian noise from the stage's own forward process at a level s, or a Gaussian
/// blur of standard deviation sigma.
/// </summary>
public static class ConditioningAugmentation
{
    /// <summary>
    /// abar_s for the levels s = 0..T: abar_0 = 1 (no noise), abar_s = the schedule's AlphasCumprod[s - 1] (Ho et al.
    /// 2020's 1-based t, so level s is s forward steps).
    /// </summary>
    public static double[] LevelAlphasCumprod(NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var table = new double[schedule.Length + 1];
        table[0] = 1.0;
        for (int s = 1; s <= schedule.Length; s++) table[s] = schedule.AlphasCumprod[s - 1];
        return table;
    }

    /// <summary>
    /// z_s = sqrt(abar_s) z_0 + sqrt(1 - abar_s) eps, a draw of q(z_s | z_0) (Ho et al. 2020, Eq. 4; Ho et al. 2021,
    /// Sec. 4.1) for the low-resolution images z_0 (N, C, h, w) at levels s (N; whole numbers 0..T, any dtype) with the
    /// caller's eps (N, C, h, w). Level 0 returns z_0.
    /// </summary>
    public static Tensor Gaussian(Tensor lowResolution, Tensor levels, Tensor noise, NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(lowResolution);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var table = LevelAlphasCumprod(schedule);
        var s = levels.to(ScalarType.Int64);
        var alphaBar = NoiseSchedule.Gather(table, s, lowResolution.dim());        // (N, 1, 1, 1)
        using Scalar one = 1, minusOne = -1;    // disposed here: operator + or a number operand would leave Scalars behind
        var signal = alphaBar.sqrt();                                               // sqrt(abar_s)
        var spread = torch.ones_like(alphaBar).add(alphaBar, minusOne).sqrt();           // sqrt(1 - abar_s)
        var augmented = signal.mul(lowResolution).add(spread.mul(noise), one);      // (N, C, h, w)
        return augmented.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The low-resolution images (N, C, h, w) blurred with a separable Gaussian kernel g_i = exp(-i^2 / (2 sigma^2)),
    /// normalised, of standard deviation sigma (N; low-resolution pixels) per image (Ho et al. 2021, Sec. 4.2), its
    /// radius ceil(3 max sigma), edges replicated. sigma = 0 returns the image.
    /// </summary>
    public static Tensor Blur(Tensor lowResolution, Tensor sigmas)
    {
        ArgumentNullException.ThrowIfNull(lowResolution);
        ArgumentNullException.ThrowIfNull(sigmas);
        using var scope = NewDisposeScope();
        long n = lowResolution.shape[0], c = lowResolution.shape[1], h = lowResolution.shape[2], w = lowResolution.shape[3];
        double largest = sigmas.max().to(ScalarType.Float64).item<double>();
        int radius = (int)Math.Ceiling(3.0 * largest);
        if (radius == 0) return lowResolution.alias().MoveToOuterDisposeScope();
        using Scalar start = -radius, stop = radius + 1, step = 1, minimum = 1e-3, minusHalf = -0.5;
        var offsets = torch.arange(start, stop, step, dtype: ScalarType.Float32, device: lowResolution.device);    // (K)
        var sigma = sigmas.to(ScalarType.Float32).clamp_min(minimum).unsqueeze(1);                              // (N, 1)
        var kernel = offsets.unsqueeze(0).div(sigma).square().mul(minusHalf).exp();                                // (N, K)
        kernel = kernel.div(kernel.sum(1, keepdim: true));                                                       // normalised
        var perChannel = kernel.repeat_interleave(c, 0);                                                        // (N C, K)
        long k = 2L * radius + 1;
        var rows = lowResolution.reshape(1, n * c, h, w);
        rows = nn.functional.pad(rows, new long[] { radius, radius, 0, 0 }, PaddingModes.Replicate);
        rows = nn.functional.conv2d(rows, perChannel.reshape(n * c, 1, 1, k), groups: n * c);                   // along W
        rows = nn.functional.pad(rows, new long[] { 0, 0, radius, radius }, PaddingModes.Replicate);
        rows = nn.functional.conv2d(rows, perChannel.reshape(n * c, 1, k, 1), groups: n * c);                   // along H
        return rows.reshape(n, c, h, w).MoveToOuterDisposeScope();
    }
}
