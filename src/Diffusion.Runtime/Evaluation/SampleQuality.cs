using System;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>Figures of merit for generated samples, judged by a classifier trained on real data.</summary>
public static class SampleQuality
{
    /// <summary>
    /// Fraction of <paramref name="samples"/> that <paramref name="classifier"/> assigns to the label each was
    /// generated for: 1.0 means every generated digit is recognisable as the digit asked for; about 0.1 (chance for
    /// ten classes) means the conditioning is ignored or the samples are noise.
    /// </summary>
    /// <param name="classifier">A classifier trained on real images, e.g. the MNIST example's CNN.</param>
    /// <param name="samples">(N, C, H, W) generated images in [-1, 1].</param>
    /// <param name="intendedLabels">(N) integer labels the samples were conditioned on.</param>
    public static double ShareMatchingLabel(IImageClassifier classifier, Tensor samples, Tensor intendedLabels)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(intendedLabels);
        if (intendedLabels.dim() != 1 || intendedLabels.shape[0] != samples.shape[0])
            throw new ArgumentException($"Expected intendedLabels of shape ({samples.shape[0]}), got ({string.Join(", ", intendedLabels.shape)}).", nameof(intendedLabels));
        if (samples.shape[0] == 0) throw new ArgumentException("No samples to judge.", nameof(samples));

        using var scope = NewDisposeScope();
        var predicted = classifier.Predict(samples);
        if (predicted.dim() != 1 || predicted.shape[0] != samples.shape[0])
            throw new InvalidOperationException($"The classifier returned predictions of shape ({string.Join(", ", predicted.shape)}); expected ({samples.shape[0]}).");
        return predicted.cpu().to(ScalarType.Int64).eq(intendedLabels.cpu().to(ScalarType.Int64))
            .to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// The mean over samples of the classifier's largest class probability, max_k softmax(logits)_k: near 1 when
    /// every sample looks clearly like some digit, whichever it is (the sharpness half of the Inception score).
    /// </summary>
    /// <param name="logits">(N, K) class logits of the samples, from a classifier trained on real images.</param>
    public static double MeanTopProbability(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 2 || logits.shape[0] == 0) throw new ArgumentException("Expected (N, K) logits with N > 0.", nameof(logits));
        using var scope = NewDisposeScope();
        return logits.to(ScalarType.Float64).softmax(1).max(1).values.mean().item<double>();
    }

    /// <summary>
    /// Diversity within each class: the mean Euclidean distance between two different samples generated for the same
    /// label, averaged over the labels present (in the samples' units; for MNIST in [-1, 1], pixels over 784 values).
    /// 0 when every sample of a class is the same image. Labels with a single sample are skipped.
    /// </summary>
    /// <param name="samples">(N, ...) samples.</param>
    /// <param name="labels">(N) integer labels they were generated for.</param>
    public static double WithinClassDistance(Tensor samples, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] != samples.shape[0])
            throw new ArgumentException($"Expected labels of shape ({samples.shape[0]}).", nameof(labels));
        using var scope = NewDisposeScope();
        var flat = samples.reshape(samples.shape[0], -1).to(ScalarType.Float64).cpu();
        var cpuLabels = labels.cpu().to(ScalarType.Int64);
        double total = 0;
        int groups = 0;
        foreach (long label in cpuLabels.unique().output.data<long>().ToArray())
        {
            var members = flat.index_select(0, cpuLabels.eq(label).nonzero().flatten());
            long k = members.shape[0];
            if (k < 2) continue;
            var distances = cdist(members.unsqueeze(0), members.unsqueeze(0)).squeeze(0);    // (k, k), zero diagonal
            total += distances.sum().item<double>() / (k * (k - 1));
            groups++;
        }
        if (groups == 0) throw new ArgumentException("No label has two samples to compare.", nameof(labels));
        return total / groups;
    }
}
