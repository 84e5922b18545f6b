using System;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>Noise levels given as one level for a batch (a 0-d tensor) or one per sample (shape [N]).</summary>
internal static class LevelShape
{
    /// <summary>
    /// A 0-d level as is; one level per sample shaped (N, 1, ..., 1) to broadcast against <paramref name="like"/>.
    /// </summary>
    public static Tensor Broadcastable(Tensor sigma, Tensor like, string name)
    {
        ArgumentNullException.ThrowIfNull(sigma, name);
        if (sigma.dim() == 0) return sigma.to(like.device);
        if (sigma.dim() != 1 || like.dim() == 0 || (sigma.shape[0] != like.shape[0] && sigma.shape[0] != 1))
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", sigma.shape)}]; give one level (shape []) " +
                $"or one per sample ([{(like.dim() == 0 ? 1 : like.shape[0])}]).", name);
        var shape = Enumerable.Repeat(1L, (int)like.dim()).ToArray();
        shape[0] = sigma.shape[0];
        return sigma.reshape(shape).to(like.device);
    }
}
