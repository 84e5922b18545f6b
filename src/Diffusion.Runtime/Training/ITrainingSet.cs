using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// What the <see cref="Trainer"/> draws its batches from: <see cref="TrainingData"/> (tensors in memory) or
/// <see cref="Data.StreamingImageFolder"/> (decoded from disk through a bounded cache). The trainer picks the
/// indices (a seeded permutation per epoch), so every set gives the same batches for the same seed.
/// </summary>
public interface ITrainingSet
{
    /// <summary>Number of examples N.</summary>
    long Count { get; }

    /// <summary>Checks the examples against a model's channels, image size and class count; throws naming the problem.</summary>
    void Validate(int channels, int imageSize, int? classes);

    /// <summary>
    /// The examples at <paramref name="indices"/> (each in 0..N-1), in that order: images (B, C, H, W) float32 in
    /// [-1, 1] and labels (B) int64 (null for an unconditional set), on the CPU, in the caller's dispose scope.
    /// </summary>
    (Tensor Images, Tensor? Labels) Batch(long[] indices);
}
