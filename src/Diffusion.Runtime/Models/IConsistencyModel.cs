using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// A diffusion model declared with <see cref="Diffusion.Dsl.ConsistencyModelAttribute"/>: its consistency function and
/// the loss that trains it (consistency training or distillation); <see cref="Training.ConsistencyTrainable"/> hands
/// that loss to the <see cref="Training.Trainer"/>.
/// </summary>
public interface IConsistencyModel : IDiffusionModel
{
    /// <summary>
    /// f(x, s, y) (Song et al. 2023, Eq. 5): the clean-sample estimate of the variance-exploding sample x (N, C, H, W)
    /// at the levels <paramref name="sigma"/> (0-d, or one per sample); f(x, s_min) = x exactly.
    /// </summary>
    Tensor Consistency(Tensor x, Tensor sigma, Tensor? labels, Denoiser? denoiser = null);

    /// <summary>
    /// The declared teacher of consistency distillation (Song et al. 2023, Algorithm 2), or null for a model trained from
    /// data (consistency training, Algorithm 3): what the loss's context must carry.
    /// </summary>
    System.Type? TeacherType { get; }

    /// <summary>The declared consistency loss for a batch x_0 at the training step and with the teacher of <paramref name="context"/>.</summary>
    Tensor ConsistencyLoss(Tensor x0, Tensor? labels, Generator generator, ConsistencyLossContext context);
}
