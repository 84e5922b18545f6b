using System;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// What the <see cref="Trainer"/> optimises for a latent diffusion model fed by an <see cref="EncodedTrainingSet"/>:
/// each batch is the posteriors' moments, from which the model draws its latent as declared and takes its diffusion
/// loss (<see cref="ILatentDiffusionModel.LatentTrainingLoss"/>). The network and description are the model's, so its
/// checkpoints are the model's.
/// </summary>
public sealed class LatentTrainable(ILatentDiffusionModel model) : ITrainableModel
{
    /// <summary>The latent diffusion model trained.</summary>
    public ILatentDiffusionModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public nn.Module Network => Model.Network;

    /// <inheritdoc/>
    public ModelDescription Description => Model.Description;

    /// <summary>
    /// The latents s z (N, c, h, w) a batch of <see cref="EncodedTrainingSet"/> stands for: <paramref name="model"/>
    /// draws them from the posteriors whose moments (N, 2c, h, w) <paramref name="moments"/> holds, as declared, with no
    /// gradient to the frozen encoder. Few-step objectives on latents (consistency distillation) train on these, as the
    /// model's own loss does.
    /// </summary>
    public static Tensor Latents(ILatentDiffusionModel model, Tensor moments, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(moments);
        using var scope = NewDisposeScope();
        using var posterior = DiagonalGaussian.FromMoments(moments);
        return model.LatentsFromPosterior(posterior, generator).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The clean samples x_0 a batch of the trainer stands for: for a latent model, the latents drawn from the batch's
    /// moments (<see cref="Latents"/>, the first draw of <paramref name="generator"/>); else the batch itself. The
    /// objectives wrapped around a model (consistency, text, unCLIP decoder) take their x_0 here.
    /// </summary>
    public static Tensor CleanSamples(IDiffusionModel model, Tensor batch, Generator generator) =>
        model is ILatentDiffusionModel latent ? Latents(latent, batch, generator) : batch;

    /// <summary>The loss at the posteriors whose moments (N, 2c, h, w) <paramref name="x0"/> holds.</summary>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x0);
        using var scope = NewDisposeScope();
        var posterior = DiagonalGaussian.FromMoments(x0);
        return Model.LatentTrainingLoss(posterior, labels, generator).MoveToOuterDisposeScope();
    }
}
