using Diffusion.Dsl;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What the runtime needs of a declared diffusion model; the generator implements it on every
/// <see cref="DiffusionModelAttribute"/> class.
/// </summary>
public interface IDiffusionModel
{
    /// <summary>The denoising network (its parameters are what training updates and checkpoints hold).</summary>
    nn.Module Network { get; }

    /// <summary>The training noise schedule.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>The declaration as data.</summary>
    ModelDescription Description { get; }

    /// <summary>
    /// The training objective for a batch of clean data x_0 (N, C, H, W) in [-1, 1] with labels (N, int64) or null;
    /// every random draw (timesteps, noise, label dropout) comes from <paramref name="generator"/>. Returns a scalar.
    /// </summary>
    Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator);

    /// <summary>
    /// Runs a sampler the declaration generated and returns x_0 samples (N, C, H, W). <paramref name="onStep"/>, when
    /// given, sees (step index i, counting down to 0, and x_{i}) after each step; the tensor lives only during the call.
    /// </summary>
    Tensor Sample(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, System.Action<int, Tensor>? onStep = null);
}
