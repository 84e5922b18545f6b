using Examples.Mnist.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.MnistExample;

/// <summary>The MNIST attribute scores of evaluate --prompts on hand-drawn bars, against the caption writer's formulas.</summary>
public class MnistAttributeMeasureTests
{
    /// <summary>A 28x28 image in [-1, 1]: white ink at columns 12 .. 12 + width - 1 of rows 4..23, black elsewhere.</summary>
    private static Tensor Bar(int width)
    {
        var image = full(new long[] { 1, 1, 28, 28 }, -1f);
        image[0, 0, TensorIndex.Slice(4, 24), TensorIndex.Slice(12, 12 + width)] = tensor(1f);
        return image;
    }

    [Fact]
    public void Thick_and_thin_score_the_stroke_width_and_a_blank_sample_scores_nan()
    {
        using var images = cat(new[] { Bar(6), Bar(3), full(new long[] { 1, 1, 28, 28 }, -1f) }, 0);
        var measure = new MnistAttributeMeasure();

        // Stroke width 2A / P: 6 x 20 bar 240 / 52, 3 x 20 bar 120 / 46.
        var thick = measure.Score(images, "thick")!;
        Assert.Equal(240.0 / 52, thick[0], 12);
        Assert.Equal(120.0 / 46, thick[1], 12);
        Assert.True(double.IsNaN(thick[2]));
        Assert.Equal(-240.0 / 52, measure.Score(images, "thin")![0], 12);
        // Upright bars: no slant either way, and the upright box of the 6-wide bar is 6 x 20.
        Assert.Equal(0.0, measure.Score(images, "right")![0], 12);
        Assert.Equal(120.0, measure.Score(images, "large")![0], 12);
        Assert.Null(measure.Score(images, "curly"));
    }
}
