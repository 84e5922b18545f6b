using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// Anything that assigns a class index to each image of a batch: what <see cref="SampleQuality"/> needs of a judge, so
/// that the general runtime scores samples without knowing any one dataset's classifier (the MNIST example brings its
/// own CNN).
/// </summary>
public interface IImageClassifier
{
    /// <summary>Predicted class index of each image: (N) int64 on the CPU.</summary>
    /// <param name="images">(N, C, H, W) in [-1, 1].</param>
    Tensor Predict(Tensor images);
}
