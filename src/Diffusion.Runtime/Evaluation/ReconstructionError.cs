using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// How far an autoencoder's reconstructions are from their images in [-1, 1]: the mean absolute error per pixel and
/// the peak signal-to-noise ratio, 10 log10(peak^2 / MSE) with the peak-to-peak range 2 of [-1, 1] (a PSNR computed on
/// [0, 1] pixels gives the same number: both the peak and the error halve).
/// </summary>
/// <param name="MeanAbsoluteError">Mean of |x - x_hat| over every pixel.</param>
/// <param name="MeanSquaredError">Mean of (x - x_hat)^2 over every pixel.</param>
public sealed record ReconstructionError(double MeanAbsoluteError, double MeanSquaredError)
{
    /// <summary>PSNR in dB; infinite for an exact reconstruction.</summary>
    public double Psnr => 10 * Math.Log10(4.0 / MeanSquaredError);

    /// <summary>The errors of <paramref name="reconstructions"/> against <paramref name="images"/> (same shape, float).</summary>
    public static ReconstructionError Of(Tensor images, Tensor reconstructions)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reconstructions);
        if (!images.shape.AsSpan().SequenceEqual(reconstructions.shape))
            throw new ArgumentException($"reconstructions ({string.Join(", ", reconstructions.shape)}) must have the images' shape ({string.Join(", ", images.shape)}).", nameof(reconstructions));
        using var scope = NewDisposeScope();
        var difference = images.to(ScalarType.Float64) - reconstructions.to(ScalarType.Float64);
        return new(difference.abs().mean().item<double>(), difference.square().mean().item<double>());
    }
}
