namespace Diffusion.Runtime.Training;

/// <summary>
/// A trainable model whose loss depends on the training step (consistency training's level count N(k)). The
/// <see cref="Trainer"/> tells it the step before each loss, from its own count, which a resumed run restores from the
/// checkpoint: so the losses of a resumed run equal the uninterrupted run's.
/// </summary>
public interface ITrainingStepAware
{
    /// <summary>Called before the loss of step <paramref name="step"/> (from 1) of <paramref name="totalSteps"/>.</summary>
    void BeginStep(long step, long totalSteps);
}
