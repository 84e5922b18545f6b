using System;
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
    /// <param name="classifier">A classifier trained on real images, e.g. <see cref="MnistClassifier"/>.</param>
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
}
