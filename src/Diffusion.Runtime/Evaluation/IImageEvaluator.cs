using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// A classifier trained on real images that also exposes its penultimate features: what the command line's evaluate
/// needs of a user's judge, to score class-conditional samples by their classes and any samples by the Frechet distance
/// between the feature Gaussians of real and generated images (<see cref="FrechetDistance"/>).
/// </summary>
public interface IImageEvaluator : IImageClassifier
{
    /// <summary>The penultimate layer's activations (N, D) on the CPU, in eval mode, without gradients.</summary>
    /// <param name="images">(N, C, H, W) in [-1, 1].</param>
    Tensor Features(Tensor images);

    /// <summary>The class logits (N, K) on the CPU, in eval mode, without gradients.</summary>
    /// <param name="images">(N, C, H, W) in [-1, 1].</param>
    Tensor Logits(Tensor images);
}
