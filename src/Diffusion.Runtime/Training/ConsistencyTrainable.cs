using System;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// A declared consistency model as the <see cref="Trainer"/> trains it: the model's network and description, and its
/// consistency loss at the step the trainer reports (<see cref="ITrainingStepAware"/>), with the teacher for
/// consistency distillation. Checkpoints, the EMA kept for sampling and exact resume are the trainer's own.
/// A latent consistency model (<see cref="ILatentDiffusionModel"/>) is fed as a latent diffusion model is: each batch
/// holds the posteriors' moments (<see cref="EncodedTrainingSet"/>), from which the model draws its latents as declared.
/// </summary>
public sealed class ConsistencyTrainable : ITrainableModel, ITrainingStepAware
{
    private readonly IConsistencyModel model;
    private readonly IDiffusionModel? teacher;
    private long step;
    private long totalSteps;

    /// <summary>
    /// Trains <paramref name="model"/>: by consistency training when <paramref name="teacher"/> is null, else by
    /// distillation from it (put in evaluation mode here; its weights are not the trainer's, so they never change).
    /// </summary>
    public ConsistencyTrainable(IConsistencyModel model, IDiffusionModel? teacher = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.teacher = teacher;
        teacher?.Network.eval();
    }

    /// <inheritdoc/>
    public nn.Module Network => model.Network;

    /// <inheritdoc/>
    public ModelDescription Description => model.Description;

    /// <inheritdoc/>
    public void BeginStep(long step, long totalSteps)
    {
        this.step = step;
        this.totalSteps = totalSteps;
    }

    /// <inheritdoc/>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        if (step < 1)
            throw new InvalidOperationException("The consistency loss needs the training step: call BeginStep first (the Trainer does).");
        using var scope = NewDisposeScope();
        var clean = LatentTrainable.CleanSamples(model, x0, generator);
        return model.ConsistencyLoss(clean, labels, generator, new ConsistencyLossContext(step, totalSteps, teacher)).MoveToOuterDisposeScope();
    }
}
