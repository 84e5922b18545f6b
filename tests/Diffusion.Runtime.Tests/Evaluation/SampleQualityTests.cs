using System;
using Diffusion.Runtime.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Evaluation;

/// <summary>The sample statistics on hand-made tensors whose values are known.</summary>
public sealed class SampleQualityTests
{
    [Fact]
    public void Mean_top_probability_is_the_mean_of_each_rows_largest_softmax()
    {
        using var scope = NewDisposeScope();
        // Row 0: logits (0, ln 3) give probabilities (1/4, 3/4); row 1: equal logits give (1/2, 1/2).
        var logits = tensor(new[] { 0.0, Math.Log(3.0), 5.0, 5.0 }).reshape(2, 2);
        Assert.Equal((0.75 + 0.5) / 2, SampleQuality.MeanTopProbability(logits), 12);
    }

    [Fact]
    public void Within_class_distance_averages_pairwise_distances_per_label()
    {
        using var scope = NewDisposeScope();
        // Label 0: points (0, 0), (3, 4), (0, 0): distances 5, 0, 5 -> mean over ordered pairs 10 * 2 / 6 = 10/3.
        // Label 1: points (1, 1), (1, 2): distance 1. Label 2: one point, skipped. Mean over labels: (10/3 + 1) / 2.
        var samples = tensor(new[] { 0.0, 0, 3, 4, 0, 0, 1, 1, 1, 2, 9, 9 }).reshape(6, 1, 2);
        var labels = tensor(new long[] { 0, 0, 0, 1, 1, 2 });
        Assert.Equal((10.0 / 3 + 1) / 2, SampleQuality.WithinClassDistance(samples, labels), 12);
        Assert.Equal(0.0, SampleQuality.WithinClassDistance(zeros(4, 3), tensor(new long[] { 1, 1, 2, 2 })), 12);
        Assert.Throws<ArgumentException>(() => SampleQuality.WithinClassDistance(zeros(2, 3), tensor(new long[] { 0, 1 })));
    }
}
