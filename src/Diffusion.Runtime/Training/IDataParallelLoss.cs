using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// A training loss whose random draws can be made for a whole batch and evaluated on some of its rows: what
/// data-parallel training needs, so that N processes, each drawing the whole batch's draws from the step's seed and
/// keeping its own rows, take the step one process takes. Declared diffusion models implement it (their generated
/// <c>Loss.g.cs</c>); <c>TrainingLoss(x0, labels, generator)</c> is <c>TrainingLoss(x0, labels, DrawTraining(x0.shape,
/// x0.device, generator))</c>.
/// </summary>
public interface IDataParallelLoss : ITrainableModel
{
    /// <summary>The loss's random draws for a batch of <paramref name="shape"/> (N, C, H, W), from <paramref name="generator"/>.</summary>
    DiffusionDraws DrawTraining(long[] shape, Device device, Generator generator);

    /// <summary>
    /// The training objective of x_0 (N, C, H, W) with labels (N) or null at <paramref name="draws"/> (N rows): a
    /// mean over the rows, so the mean of equal shares' losses is the whole batch's loss.
    /// </summary>
    Tensor TrainingLoss(Tensor x0, Tensor? labels, DiffusionDraws draws);
}
