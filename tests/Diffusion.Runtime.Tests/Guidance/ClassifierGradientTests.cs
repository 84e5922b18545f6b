using System;
using Diffusion.Runtime.Tests.UNet;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Guidance;

/// <summary>The generated grad_{x_t} log p(y | x_t, t) of a small U-Net-encoder classifier against central finite differences.</summary>
public class ClassifierGradientTests
{
    [Fact]
    public void Log_probability_gradient_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var classifier = new SmallNoisyClassifier();
        using (no_grad())
        {
            // The zero-initialised layers (the head, each block's last convolution and attention projection) get random
            // weights: at zero every gradient would be zero. The others keep their default initialisation.
            foreach (var parameter in classifier.Network.parameters())
            {
                if (parameter.abs().max().item<float>() == 0) nn.init.normal_(parameter, 0.0, 0.5);
            }
        }
        classifier.Network.to(ScalarType.Float64);
        classifier.Network.eval();
        var x = randn(new long[] { 2, 1, 16, 16 }, dtype: ScalarType.Float64);
        var t = tensor(new long[] { 10, 80 });
        var y = tensor(new long[] { 2, 0 });

        Tensor gradient;
        using (no_grad()) gradient = classifier.LogProbabilityGradient(x, t, y);    // must enable gradients itself
        Assert.Equal(x.shape, gradient.shape);
        Assert.All(classifier.Network.parameters(), parameter => Assert.Null(parameter.grad));    // autograd.grad, not backward

        double LogProbability(Tensor input, int sample)
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = classifier.Logits(input, t);
            return nn.functional.log_softmax(logits, 1)[sample, y[sample].item<long>()].item<double>();
        }

        const double h = 1e-5;
        var positions = new[] { (0, 0, 0), (0, 7, 9), (0, 15, 15), (1, 3, 12), (1, 8, 8), (1, 14, 1) };
        double largest = 0;
        foreach (var (sample, row, column) in positions)
        {
            var plus = x.clone();
            var minus = x.clone();
            plus[sample, 0, row, column] += h;
            minus[sample, 0, row, column] -= h;
            double numeric = (LogProbability(plus, sample) - LogProbability(minus, sample)) / (2 * h);
            double analytic = gradient[sample, 0, row, column].item<double>();
            largest = Math.Max(largest, Math.Abs(analytic));
            Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"({sample}, {row}, {column}): autograd {analytic}, finite difference {numeric}");
        }
        Assert.True(largest > 1e-3, "the gradients are all near zero: the test would not see a wrong one");

        // Each sample's gradient is its own: changing sample 1 leaves sample 0's gradient unchanged.
        var other = x.clone();
        other[1] = randn(new long[] { 1, 16, 16 }, dtype: ScalarType.Float64);
        Assert.True(classifier.LogProbabilityGradient(other, t, y)[0].allclose(gradient[0], rtol: 1e-12, atol: 1e-14));
    }
}
