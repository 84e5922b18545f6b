using System;
using System.Linq;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Tests.Data;
using Examples.Mnist.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.MnistExample;

// Seeds and draws from libtorch's process-wide generator: it must not share the process with tests that build modules.
[Collection(Diffusion.Runtime.Tests.Training.TorchGlobalStateCollection.Name)]
public sealed class ClassifierTests
{
    /// <summary>
    /// A separable two-class set: class 0 has a bright top half, class 1 a bright bottom half, both under uniform
    /// noise of amplitude 0.6 in [-1, 1].
    /// </summary>
    private static (Tensor Images, Tensor Labels) HalvesDataset(int n, int seed)
    {
        var generator = new Generator((ulong)seed);
        var labels = randint(0, 2, [n], generator: generator, dtype: ScalarType.Int64);
        var rows = arange(28).reshape(1, 1, 28, 1);
        var top = rows.lt(14).to(ScalarType.Float32);                                    // (1, 1, 28, 1)
        var bright = where(labels.reshape(n, 1, 1, 1).eq(0), top, 1 - top).expand(n, 1, 28, 28);
        var noise = rand([n, 1, 28, 28], generator: generator) * 0.6f;
        return ((bright * 1.4f - 1f + noise).clamp(-1, 1), labels);
    }

    [Fact]
    public void Learns_a_separable_set_to_at_least_95_percent()
    {
        var (trainImages, trainLabels) = HalvesDataset(512, seed: 1);
        var (testImages, testLabels) = HalvesDataset(256, seed: 2);

        using var classifier = ClassifierTraining.Train(trainImages, trainLabels, epochs: 2, batchSize: 32, seed: 0);

        Assert.True(classifier.Accuracy(testImages, testLabels) >= 0.95);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var (images, labels) = HalvesDataset(128, seed: 3);

        using var a = ClassifierTraining.Train(images, labels, epochs: 1, batchSize: 32, seed: 7);
        using var b = ClassifierTraining.Train(images, labels, epochs: 1, batchSize: 32, seed: 7);

        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(pa.equal(pb).all().item<bool>(), name);
    }

    [Fact]
    public void Safetensors_round_trip_gives_identical_predictions()
    {
        using var temp = new TempFolder();
        var (images, labels) = HalvesDataset(128, seed: 4);
        using var trained = ClassifierTraining.Train(images, labels, epochs: 1, batchSize: 32, seed: 0);
        string path = temp.Combine("classifier.safetensors");

        trained.Save(path);
        using var loaded = MnistClassifier.Load(path);

        using var noGrad = no_grad();
        trained.eval();
        Assert.True(trained.forward(images).equal(loaded.forward(images)).all().item<bool>());
        Assert.Equal(trained.Predict(images).data<long>().ToArray(), loaded.Predict(images).data<long>().ToArray());
    }

    [Fact]
    public void Rejects_images_of_the_wrong_shape()
    {
        using var classifier = new MnistClassifier();
        Assert.Throws<ArgumentException>(() => classifier.Predict(zeros(2, 1, 32, 32)));
    }

    private sealed class FixedClassifier(long[] predictions) : IImageClassifier
    {
        public Tensor Predict(Tensor images) => tensor(predictions);
    }

    [Fact]
    public void Share_matching_label_counts_agreements()
    {
        var classifier = new FixedClassifier([0, 1, 2, 3, 4, 5, 6, 7]);
        using var samples = zeros(8, 1, 28, 28);
        using var intended = tensor(new long[] { 0, 1, 9, 3, 9, 5, 9, 9 });

        // Agreements at 0, 1, 3, 5: 4 of 8.
        Assert.Equal(0.5, SampleQuality.ShareMatchingLabel(classifier, samples, intended));
    }
}
