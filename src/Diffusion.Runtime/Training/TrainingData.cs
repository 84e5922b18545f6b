using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// An in-memory training set: <paramref name="Images"/> (N, C, H, W) float32 in [-1, 1] on the CPU and optional class
/// <paramref name="Labels"/> (N) int64. The trainer moves each batch to the training device. The caller owns the tensors.
/// </summary>
/// <param name="Images">(N, C, H, W) float32 in [-1, 1], CPU.</param>
/// <param name="Labels">(N) int64 class indices, or null for an unconditional model.</param>
public sealed record TrainingData(Tensor Images, Tensor? Labels = null) : ITrainingSet
{
    /// <summary>Number of examples N.</summary>
    public long Count => Images.shape[0];

    /// <inheritdoc/>
    public (Tensor Images, Tensor? Labels) Batch(long[] indices)
    {
        var rows = tensor(indices);                                           // (B)
        return (Images.index_select(0, rows), Labels?.index_select(0, rows));
    }

    /// <summary>Checks shapes and dtypes against a model's channels, image size and class count; throws naming the problem.</summary>
    public void Validate(int channels, int imageSize, int? classes)
    {
        using var scope = NewDisposeScope();
        if (Images.dim() != 4)
            throw new ArgumentException($"Training images must be (N, C, H, W); got shape ({string.Join(", ", Images.shape)}).", nameof(Images));
        if (Images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Training images must be float32; got {Images.dtype}.", nameof(Images));
        if (Count < 1) throw new ArgumentException("The training set is empty.", nameof(Images));
        if (Images.shape[1] != channels || Images.shape[2] != imageSize || Images.shape[3] != imageSize)
            throw new ArgumentException($"Training images are ({string.Join(", ", Images.shape)}) but the model takes (N, {channels}, {imageSize}, {imageSize}).", nameof(Images));
        if (Labels is null)
        {
            if (classes is not null) throw new ArgumentException($"The model is class-conditional ({classes} classes) but the training data has no labels.", nameof(Labels));
            return;
        }
        if (classes is null) throw new ArgumentException("The training data has labels but the model is unconditional.", nameof(Labels));
        if (Labels.dim() != 1 || Labels.shape[0] != Count)
            throw new ArgumentException($"Labels must be (N) = ({Count}); got ({string.Join(", ", Labels.shape)}).", nameof(Labels));
        if (Labels.dtype != ScalarType.Int64) throw new ArgumentException($"Labels must be int64; got {Labels.dtype}.", nameof(Labels));
        long min = Labels.min().item<long>(), max = Labels.max().item<long>();
        if (min < 0 || max >= classes)
            throw new ArgumentException($"Labels span {min}..{max} but the model has classes 0..{classes - 1}.", nameof(Labels));
    }
}
