using System;
using TorchSharp;

namespace Diffusion.Runtime.Training;

/// <summary>
/// Builds a model whose fresh weights depend on the run's seed alone. Generated networks draw their initial weights
/// from torch's global generator, so it is seeded with <see cref="TrainingSeeds.Initialization"/> just before the
/// factory runs: the same seed gives the same first weights, and so the same run, in every process.
/// </summary>
public static class SeededInitialization
{
    /// <summary>Seeds torch's global generator for <paramref name="seed"/>, then calls <paramref name="factory"/>.</summary>
    public static T Create<T>(Func<T> factory, long seed)
    {
        ArgumentNullException.ThrowIfNull(factory);
        torch.random.manual_seed(TrainingSeeds.Initialization(seed));
        return factory();
    }
}
