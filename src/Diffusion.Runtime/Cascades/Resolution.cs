using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// The two resolution changes of a cascade (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 3): the area average that
/// makes a super-resolution stage's low-resolution input from a training image, and the bilinear upsampling that brings
/// the low-resolution image to the stage's size before it is concatenated with x_t.
/// </summary>
public static class Resolution
{
    /// <summary>
    /// images (N, C, H, W) averaged over non-overlapping f x f blocks, f = H / <paramref name="size"/>: each output pixel
    /// is the mean of the f^2 pixels it covers (an area average; PyTorch's <c>interpolate(mode="area")</c> for an
    /// integer factor). Only integer factors: the stage's InputSize must be a multiple of FromSize.
    /// </summary>
    /// <returns>(N, C, size, size).</returns>
    public static Tensor AreaDownsample(Tensor images, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        long height = images.shape[2], width = images.shape[3];
        if (size < 1 || height != width || height % size != 0)
        {
            throw new ArgumentException(
                $"An area average needs square images whose side is a multiple of {size}; got {height} x {width}.", nameof(images));
        }
        long factor = height / size;
        if (factor == 1) return images.alias();
        return nn.functional.avg_pool2d(images, new[] { factor, factor }, new[] { factor, factor });
    }

    /// <summary>
    /// images (N, C, h, w) upsampled bilinearly to <paramref name="size"/> x <paramref name="size"/> with half-pixel
    /// centres (PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>): output pixel i samples the input at
    /// (i + 0.5) h / size - 0.5, clamped to the edge, so a 2-pixel row (a, b) becomes (a, 3a/4 + b/4, a/4 + 3b/4, b).
    /// Bilinear rather than nearest: the conditioning varies smoothly, as the upsampled images of SR3 (Saharia et al.
    /// 2021) and CDM (Ho et al. 2021) do, instead of showing the low resolution's block edges.
    /// </summary>
    /// <returns>(N, C, size, size).</returns>
    public static Tensor Upsample(Tensor images, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"size = {size}; use at least 1.");
        if (images.shape[2] == size && images.shape[3] == size) return images.alias();
        return nn.functional.interpolate(images, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);
    }
}
