using System;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Latent;

/// <summary>
/// The latent scale factor s = 1 / std(z) (Rombach et al. 2022, Sec. 4.3.2): computed on data, it brings that data's
/// latents to unit standard deviation; training keeps it and the frozen autoencoder unchanged in the checkpoint.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class LatentScaleTests
{
    /// <summary>Forty 1x8x8 images, uniform in [-1, 1], labels 0..2.</summary>
    private static TrainingData Images()
    {
        using var generator = new Generator(5);
        var images = rand(new long[] { 40, 1, 8, 8 }, generator: generator) * 2 - 1;
        return new TrainingData(images, arange(40, dtype: ScalarType.Int64) % 3);
    }

    /// <summary>std as the factor takes it: every element, mean subtracted, unbiased, in float64.</summary>
    private static double Std(Tensor latents) => latents.to(ScalarType.Float64).std().item<double>();

    /// <summary>The scaled latents of every image, drawn as <paramref name="model"/> declares from a generator seeded 7.</summary>
    private static Tensor Latents(ILatentDiffusionModel model, TrainingData data)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(7);
        using var posterior = model.Autoencoder.Encode(data.Images);
        return model.LatentsFromPosterior(posterior, generator);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_stored_factor_gives_latents_of_unit_standard_deviation_on_the_data_it_was_computed_on(bool mean)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        ILatentDiffusionModel model = mean ? new TinyMeanLatentDiffusion() : new TinyLatentDiffusion();
        var data = Images();
        Assert.Equal(1.0, model.LatentScale);
        double raw = Std(Latents(model, data));
        Assert.True(Math.Abs(raw - 1) > 1e-3, $"the untrained encoder's latents already have std {raw}: the test could not fail");

        using (var generator = new Generator(7)) model.LatentScale = LatentScaleFactor.Compute(model, data, generator, batchSize: 16);

        Assert.Equal(1 / raw, model.LatentScale, 1e-6 / raw);    // float32 storage
        Assert.Equal(1.0, Std(Latents(model, data)), 1e-6);
        Assert.Equal((float)model.LatentScale, model.Network.state_dict()["latent_scale"].item<float>());
    }

    [Fact]
    public void Training_updates_the_network_only_and_its_checkpoint_carries_the_frozen_autoencoder_and_the_factor()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyLatentDiffusion();
        var data = Images();
        using (var generator = new Generator(7)) model.LatentScale = LatentScaleFactor.Compute(model, data, generator);
        var autoencoderBefore = model.Autoencoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var networkBefore = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var encoded = new EncodedTrainingSet(model.Autoencoder, data, batchSize: 16);
        var options = new TrainingOptions
        {
            Steps = 4, BatchSize = 8, LearningRate = 1e-3, EmaDecay = 0.5, Seed = 3, CheckpointEvery = 1000,
            OutputDir = TestTorch.TempDirectory("latent-short"),
        };

        var result = new Trainer(new LatentTrainable(model), encoded, options).Run();

        Assert.Equal(4, result.FinalStep);
        Assert.True(encoded.Cached);
        Assert.Equal(40, encoded.Encoded);    // every image once, not once per step
        Assert.Contains(networkBefore, kv => !model.Network.state_dict()[kv.Key].eq(kv.Value).all().item<bool>());
        var loaded = new TinyLatentDiffusion();
        CheckpointLoader.LoadForSampling(loaded, result.LastCheckpoint!);
        Assert.Equal(model.LatentScale, loaded.LatentScale);
        foreach (var (name, before) in autoencoderBefore)
        {
            Assert.True(loaded.Autoencoder.state_dict()[name].eq(before).all().item<bool>(), $"autoencoder weight {name} changed");
        }
    }
}
