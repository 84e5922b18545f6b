using System;
using System.Linq;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>
/// CLIP's zero-shot classification (Radford et al. 2021, Sec. 3.1.2): each image is given the class whose caption's
/// embedding is nearest to its own, argmax_k u . v_k over one caption per class. With captions the encoder trained on
/// ("a handwritten seven") it measures how well the image tower learned the text space: image-to-caption retrieval
/// among the classes' captions.
/// </summary>
public static class ZeroShotClassification
{
    /// <summary>
    /// The top-1 share of the labelled <paramref name="images"/> (a folder of class subfolders) whose nearest class
    /// caption is their own class's: <paramref name="classTexts"/> (K, D) holds class k's caption embedding in row k
    /// (normalised here). Runs <paramref name="encoder"/> without gradients, in batches of <paramref name="batchSize"/>,
    /// on the encoder's device.
    /// </summary>
    /// <returns>The correct count, the image count, and per class its images and correct ones.</returns>
    public static ZeroShotAccuracy Evaluate(ContrastiveImageEncoder encoder, ITrainingSet images, Tensor classTexts, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classTexts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int classes = (int)classTexts.shape[0];
        if (classTexts.dim() != 2 || classTexts.shape[1] != encoder.EmbeddingDim)
            throw new ArgumentException($"Class caption embeddings must be (K, {encoder.EmbeddingDim}), not ({string.Join(", ", classTexts.shape)}).", nameof(classTexts));
        var device = encoder.parameters().First().device;
        var total = new long[classes];
        var correct = new long[classes];
        using (var scope = NewDisposeScope())
        {
            var v = UnitRows.Of(classTexts.to(device));                                        // (K, D)
            for (long start = 0; start < images.Count; start += batchSize)
            {
                using var batchScope = NewDisposeScope();
                var indices = Enumerable.Range(0, (int)Math.Min(batchSize, images.Count - start)).Select(i => start + i).ToArray();
                var (x, labels) = images.Batch(indices);
                if (labels is null) throw new ArgumentException("Zero-shot accuracy needs labelled images (class subfolders).", nameof(images));
                var predicted = encoder.Embed(x.to(device)).matmul(v.t()).argmax(1).cpu().data<long>().ToArray();    // argmax_k u . v_k
                var truth = labels.data<long>().ToArray();
                for (int b = 0; b < truth.Length; b++)
                {
                    if (truth[b] < 0 || truth[b] >= classes)
                        throw new ArgumentException($"An image of class {truth[b]}, but only {classes} class captions.", nameof(images));
                    total[truth[b]]++;
                    if (predicted[b] == truth[b]) correct[truth[b]]++;
                }
            }
        }
        return new ZeroShotAccuracy(correct, total);
    }
}
