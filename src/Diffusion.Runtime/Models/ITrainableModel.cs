using static TorchSharp.torch;

namespace Diffusion.Runtime.Models;

/// <summary>
/// What the trainer and the checkpoint store need of a declared model: a network, its description and a training
/// objective. Diffusion models (<see cref="IDiffusionModel"/>) and noisy classifiers (<see cref="INoisyClassifier"/>)
/// train through the same <see cref="Training.Trainer"/>.
/// </summary>
public interface ITrainableModel
{
    /// <summary>The network (its parameters are what training updates and checkpoints hold).</summary>
    nn.Module Network { get; }

    /// <summary>The declaration as data, written beside checkpoints and compared on load.</summary>
    ModelDescription Description { get; }

    /// <summary>
    /// The training objective for a batch of clean data x_0 (N, C, H, W) in [-1, 1] with labels (N, int64) or null;
    /// every random draw (timesteps, noise, label dropout) comes from <paramref name="generator"/>. Returns a scalar.
    /// </summary>
    Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator);
}
