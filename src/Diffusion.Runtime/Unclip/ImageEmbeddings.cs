using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Unclip;

/// <summary>
/// The frozen image encoder's unit embeddings of every image of a training set, computed once before training: the
/// targets of an unCLIP prior and the conditioning of its decoder (Ramesh et al. 2022, Sec. 2).
/// </summary>
public static class ImageEmbeddings
{
    /// <summary>
    /// (N, D) float32 on the CPU, row i the embedding of image i of <paramref name="images"/>, in batches of
    /// <paramref name="batchSize"/> on the encoder's device.
    /// </summary>
    public static Tensor Of(ContrastiveImageEncoder encoder, ITrainingSet images, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var device = encoder.parameters().First().device;
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.Count; start += batchSize)
        {
            long count = Math.Min(batchSize, images.Count - start);
            var indices = new long[count];
            for (long i = 0; i < count; i++) indices[i] = start + i;
            var (batch, labels) = images.Batch(indices);
            labels?.Dispose();
            parts.Add(encoder.Embed(batch.to(device)).cpu());
        }
        var result = parts.Count == 0 ? zeros(0, encoder.EmbeddingDim) : cat(parts, 0);
        return result.MoveToOuterDisposeScope();
    }
}
