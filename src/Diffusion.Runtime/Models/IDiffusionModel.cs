using Diffusion.Dsl;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What the runtime needs of a declared diffusion model; the generator implements it on every
/// <see cref="DiffusionModelAttribute"/> class.
/// </summary>
public interface IDiffusionModel : ITrainableModel
{
    /// <summary>The training noise schedule.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>
    /// The network's output at x_t (N, C, H, W), training timesteps t (N, int64) and labels y (N, int64; the null label
    /// for an unconditional pass) or null for an unconditional model: the prediction, followed by the variance values
    /// when the variance is learned.
    /// </summary>
    Tensor Denoise(Tensor x, Tensor t, Tensor? labels);

    /// <summary>
    /// The prediction at x_t (N, C, H, W), training timesteps t (N, int64) and labels y (N, int64) or null, as the
    /// parameterization hub's pair (eps, x0_hat), with classifier-free guidance at weight w (Ho and Salimans 2022,
    /// Eq. 6) when w is neither 1 (one conditional pass) nor 0 (one pass with the null label). x0_hat is not
    /// thresholded. What a teacher offers a student in distillation; <paramref name="denoiser"/>, when given, replaces
    /// the network (an analytic oracle, as <see cref="Sample"/> takes).
    /// </summary>
    (Tensor Noise, Tensor CleanSample) Predict(Tensor x, Tensor t, Tensor? labels, double guidanceScale = 1.0, Denoiser? denoiser = null);

    /// <summary>
    /// L_t per sample in bits per dimension (N) for clean data x_0, its noised x_t at timesteps t and the network
    /// output there: KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)) for t &gt; 0 and the decoder's -log p_theta(x_0 | x_1)
    /// at t = 0 (Ho et al. 2020, Eq. 5 and 13).
    /// </summary>
    Tensor VariationalBoundTerms(Tensor x0, Tensor xt, Tensor t, Tensor output);

    /// <summary>
    /// Runs a sampler the declaration generated and returns x_0 samples (N, C, H, W). <paramref name="onStep"/>, when
    /// given, sees (step index i, counting down to 0, and x_{i}) after each step; the tensor lives only during the call.
    /// </summary>
    Tensor Sample(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, System.Action<int, Tensor>? onStep = null);

    /// <summary>
    /// The samplers the declaration generated (its <see cref="SamplerAttribute"/>s), in <see cref="SamplerKind"/>
    /// order: what <see cref="Sample"/> accepts.
    /// </summary>
    System.Collections.Generic.IReadOnlyList<SamplerKind> Samplers { get; }

    /// <summary>
    /// The declared classifier-free guidance weight w (Ho and Salimans 2022), or null when the declaration has no
    /// <see cref="ClassifierFreeGuidanceAttribute"/>.
    /// </summary>
    double? ClassifierFreeGuidanceScale { get; }
}
