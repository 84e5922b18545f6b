using System;
using System.Linq;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Autoencoder;

/// <summary>The generated training loss against its terms, and a short run of the runtime's trainer.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class AutoencoderTrainingTests
{
    /// <summary>Eight 1x8x8 images in [-1, 1]: a bright 3x3 square on a dark ground, at eight places.</summary>
    private static Tensor Squares()
    {
        var images = full(8, 1, 8, 8, -1.0f);
        for (int k = 0; k < 8; k++)
        {
            int top = k % 4 + 1, left = k / 4 * 3 + 1;
            images[k, 0, TensorIndex.Slice(top, top + 3), TensorIndex.Slice(left, left + 3)] = tensor(1.0f);
        }
        return images;
    }

    [Fact]
    public void The_loss_is_the_summed_l1_error_of_a_posterior_sample_plus_the_weighted_kl_averaged_over_the_batch()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        using var scope = NewDisposeScope();
        var x = Squares();
        double loss;
        using (var generator = new Generator(21)) loss = model.TrainingLoss(x, null, generator).item<float>();

        // The same draw, the terms written out: eps is the generator's first draw, of the latent's shape.
        using var posterior = model.Encode(x);
        using var again = new Generator(21);
        var eps = randn(posterior.Mean.shape, generator: again);
        var sigma = (posterior.LogVariance / 2).exp();
        var reconstruction = model.Decode(posterior.Mean + sigma * eps);
        double l1 = (x - reconstruction).abs().sum().item<float>() / 8;                  // summed per image, mean over 8
        var mu = posterior.Mean.to(ScalarType.Float64);
        var logVariance = posterior.LogVariance.to(ScalarType.Float64);
        double kl = 0.5 * (mu.square() + logVariance.exp() - 1 - logVariance).sum().item<double>() / 8;
        Assert.True(kl > 1, $"the KL term {kl} is too small for the weight to show");
        Assert.Equal(l1 + 0.5 * kl, loss, 1e-3 * Math.Abs(loss));
    }

    [Fact]
    public void A_few_dozen_trainer_steps_on_a_fixed_batch_lower_the_reconstruction_error()
    {
        TestTorch.Init();
        using var model = new TinyAutoencoder();
        using var scope = NewDisposeScope();
        var x = Squares();
        double Error()
        {
            using var noGrad = no_grad();
            model.eval();
            return (model.call(x) - x).abs().mean().item<float>();
        }
        double before = Error();
        var options = new TrainingOptions
        {
            Steps = 40, BatchSize = 8, LearningRate = 3e-3, EmaDecay = 0.9, Seed = 2, CheckpointEvery = 1000,
            OutputDir = TestTorch.TempDirectory("autoencoder-short"),
        };
        var result = new Trainer(model, new TrainingData(x), options).Run();
        double after = Error();
        Assert.Equal(40, result.FinalStep);
        Assert.True(after < 0.5 * before, $"mean |x - x_hat| {before:F4} before, {after:F4} after 40 steps");
        Assert.True(result.Losses.TakeLast(5).Average() < 0.5 * result.Losses.Take(5).Average());
    }
}
