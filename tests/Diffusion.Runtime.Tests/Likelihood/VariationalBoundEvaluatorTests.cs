using System;
using Diffusion.Runtime.Likelihood;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Likelihood;

/// <summary>The evaluator's two modes on the same model and data: the K-draw estimate is unbiased for the all-T sum.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class VariationalBoundEvaluatorTests
{
    [Fact]
    public void Estimate_agrees_with_the_exact_sum_and_the_parts_add_up()
    {
        TestTorch.Init();
        torch.random.manual_seed(4);
        var model = new TinyLinearModel();
        // Give the zero-initialised output layer weights, so the network's prediction is not trivially zero.
        using (no_grad())
        {
            using var init = new Generator(6);
            foreach (var parameter in model.Network.parameters()) parameter.copy_(randn(parameter.shape, generator: init) * 0.1);
        }
        model.Network.eval();
        using var data = new Generator(8);
        // 8-bit images on the 256 bin centres of [-1, 1].
        using var images = randint(0, 256, [24, 1, 4, 4], dtype: ScalarType.Int64, generator: data).to(ScalarType.Float32) / 127.5 - 1;

        var exact = VariationalBound.Evaluate(model, images, null, new VariationalBoundOptions(BatchSize: 24, Seed: 1));
        var estimate = VariationalBound.Evaluate(model, images, null, new VariationalBoundOptions(BatchSize: 24, TimestepsPerImage: 100, Seed: 2));

        Assert.True(exact.Exact && !estimate.Exact);
        Assert.Equal(999, exact.TimestepsPerImage);
        Assert.Equal(exact.Prior + exact.Transitions + exact.Decoder, exact.BitsPerDimension, 1e-9);
        Assert.Equal(estimate.Prior + estimate.Transitions + estimate.Decoder, estimate.BitsPerDimension, 1e-9);
        Assert.Equal(exact.Prior, estimate.Prior, 1e-12); // L_T has no randomness
        // Both are noisy (x_t draws, and the estimate's timestep draws): they agree within 4 combined standard errors.
        double tolerance = 4 * Math.Sqrt(exact.StandardError * exact.StandardError + estimate.StandardError * estimate.StandardError);
        Assert.True(Math.Abs(exact.Transitions - estimate.Transitions) < tolerance,
            $"exact sum {exact.Transitions:F4}, estimate {estimate.Transitions:F4} (+- {tolerance:F4})");
        Assert.True(exact.BitsPerDimension > 0);
    }
}
