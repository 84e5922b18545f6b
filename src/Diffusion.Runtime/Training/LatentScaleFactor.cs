using System;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The latent scale factor s = 1 / std(z) of a latent diffusion model (Rombach et al. 2022, Sec. 4.3.2 and Appendix
/// G: "we rescale the latents by the component-wise standard deviation" of the first batch), so the diffusion starts
/// from latents of unit variance, as the noise schedule assumes of its data.
/// </summary>
public static class LatentScaleFactor
{
    /// <summary>How many examples, from the first, the factor is computed on by default: a few first batches.</summary>
    public const int DefaultExamples = 1024;

    /// <summary>
    /// s = 1 / std(z) over every element of the latents of examples 0 .. <paramref name="examples"/> - 1 of
    /// <paramref name="images"/>, encoded by <paramref name="model"/>'s frozen autoencoder as the model declares (a
    /// posterior sample drawn from <paramref name="generator"/>, or the mean); std as torch's (the mean subtracted,
    /// unbiased), in float64. Reads the model's current s, which it does not change: set <see
    /// cref="ILatentDiffusionModel.LatentScale"/> to the result.
    /// </summary>
    public static double Compute(ILatentDiffusionModel model, ITrainingSet images, Generator generator, int examples = DefaultExamples, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(examples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long count = Math.Min(examples, images.Count);
        var device = EncodedTrainingSet.DeviceOf(model.Autoencoder);
        var parts = new System.Collections.Generic.List<Tensor>();
        for (long start = 0; start < count; start += batchSize)
        {
            long size = Math.Min(batchSize, count - start);
            var indices = new long[size];
            for (long i = 0; i < size; i++) indices[i] = start + i;
            var (x, _) = images.Batch(indices);
            var posterior = model.Autoencoder.Encode(x.to(device));
            parts.Add(model.LatentsFromPosterior(posterior, generator).to(ScalarType.Float64).cpu());    // s_old z
        }
        // The latents were scaled by the current s_old: std(s_old z) = s_old std(z), so s = s_old / std(s_old z).
        double std = cat(parts, 0).std().item<double>();
        if (!(std > 0) || double.IsInfinity(std))
            throw new InvalidOperationException($"The training latents' standard deviation is {std}; the autoencoder's encodings carry no scale to normalise.");
        return model.LatentScale / std;
    }
}
