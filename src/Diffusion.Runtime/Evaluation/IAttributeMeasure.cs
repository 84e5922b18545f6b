using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// What a dataset measures on its images to judge attribute words of prompts (for MNIST: stroke width for "thick" and
/// "thin", slant for "leaning left" and "right", size for "small" and "large"): a score per image that grows with the
/// attribute, so a prompt asking for it should score above the same prompt without it.
/// </summary>
public interface IAttributeMeasure
{
    /// <summary>
    /// One score per image of <paramref name="images"/> (N, C, H, W) in [-1, 1], higher meaning more of
    /// <paramref name="attribute"/>; null when the attribute is not one this measure knows.
    /// </summary>
    double[]? Score(Tensor images, string attribute);
}
