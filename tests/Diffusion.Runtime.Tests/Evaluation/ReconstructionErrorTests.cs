using System;
using Diffusion.Runtime.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Evaluation;

/// <summary>The reconstruction error against values computed by hand.</summary>
public class ReconstructionErrorTests
{
    [Fact]
    public void Errors_and_PSNR_match_the_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        // Differences 0.1, -0.1, 0.3, -0.5: MAE = 1.0 / 4 = 0.25, MSE = (0.01 + 0.01 + 0.09 + 0.25) / 4 = 0.09,
        // PSNR = 10 log10(2^2 / 0.09) = 16.4782 dB.
        var images = tensor(new float[] { 0.5f, -0.5f, 1f, -1f }, [1, 1, 2, 2]);
        var reconstructions = tensor(new float[] { 0.4f, -0.4f, 0.7f, -0.5f }, [1, 1, 2, 2]);
        var error = ReconstructionError.Of(images, reconstructions);
        Assert.Equal(0.25, error.MeanAbsoluteError, 6);
        Assert.Equal(0.09, error.MeanSquaredError, 6);
        Assert.Equal(10 * Math.Log10(4 / 0.09), error.Psnr, 4);
        Assert.Equal(16.4782, error.Psnr, 3);
    }

    [Fact]
    public void An_exact_reconstruction_is_infinitely_sharp_and_shapes_must_match()
    {
        using var scope = NewDisposeScope();
        var images = rand(2, 1, 4, 4);
        Assert.True(double.IsPositiveInfinity(ReconstructionError.Of(images, images.clone()).Psnr));
        var e = Assert.Throws<ArgumentException>(() => ReconstructionError.Of(images, rand(2, 1, 4, 3)));
        Assert.Contains("must have the images' shape", e.Message);
    }
}
