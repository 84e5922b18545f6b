using Diffusion.Runtime.Schedules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A noisy classifier p_phi(y | x_t, t) (Dhariwal and Nichol 2021, Sec. 4); the generator implements it on every
/// <c>[NoisyClassifier]</c> class. Its training loss is the cross-entropy on x_t at uniformly drawn t.
/// </summary>
public interface INoisyClassifier : ITrainableModel
{
    /// <summary>The schedule x_t is noised with; it must be the guided diffusion model's.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>Number of classes; labels are 0..Classes-1.</summary>
    int Classes { get; }

    /// <summary>Logits (N, Classes) of p_phi(y | x_t, t) for x_t (N, C, H, W) at training timesteps t (N, int64).</summary>
    Tensor Logits(Tensor x, Tensor t);

    /// <summary>
    /// grad_{x_t} log p_phi(y | x_t, t) (N, C, H, W), one gradient per sample, taken through the classifier by autograd
    /// even when the caller runs under no_grad.
    /// </summary>
    Tensor LogProbabilityGradient(Tensor x, Tensor t, Tensor labels);
}
