using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The guard every weights write passes first: NaN or infinity is never written, so a diverged run cannot replace a
/// good checkpoint or ship a release that fails only when someone samples from it.
/// </summary>
internal static class FiniteWeights
{
    /// <summary>Throws unless every floating-point tensor of <paramref name="tensors"/> is finite.</summary>
    /// <exception cref="CheckpointException">Some are not; the message names <paramref name="directory"/>, the step and the tensors.</exception>
    public static void Require(IReadOnlyDictionary<string, Tensor> tensors, string what, string directory, long step)
    {
        using var scope = NewDisposeScope();
        var bad = tensors.Where(kv => kv.Value.is_floating_point() && !isfinite(kv.Value).all().item<bool>()).Select(kv => kv.Key).ToList();
        if (bad.Count > 0)
            throw new CheckpointException(directory, $"Refusing to write checkpoint '{directory}' (step {step}): the {what} weights contain NaN or infinity in [{string.Join(", ", bad)}]. Earlier checkpoints are untouched.");
    }
}
