using System;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Cascades;

/// <summary>
/// A super-resolution network with its conditioning fixed, as the <see cref="Denoiser"/> every generated sampler takes.
/// Classifier-free guidance calls a denoiser on a batch of 2N (the conditional and the null-label halves): the
/// conditioning is repeated to the call's batch, so the null label drops the class and never the low-resolution image.
/// </summary>
public static class ConditionedDenoiser
{
    /// <summary>
    /// The denoiser (x, t, y) -> network(x, t, y, conditioning, levels) for conditioning (N, C_low, H, W) and levels
    /// (N); a call on k N rows sees the conditioning repeated k times along the batch.
    /// </summary>
    public static Denoiser Create(SuperResolutionNetwork network, Tensor conditioning, Tensor levels)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(conditioning);
        ArgumentNullException.ThrowIfNull(levels);
        long n = conditioning.shape[0];
        return (x, t, labels) =>
        {
            long rows = x.shape[0];
            if (rows == n) return network(x, t, labels, conditioning, levels);
            if (rows % n != 0)
                throw new ArgumentException($"A batch of {rows} is no multiple of the {n} conditioning images.", nameof(x));
            using var scope = NewDisposeScope();
            long copies = rows / n;
            var output = network(x, t, labels, conditioning.repeat(copies, 1, 1, 1), levels.repeat(copies));
            return output.MoveToOuterDisposeScope();
        };
    }
}
