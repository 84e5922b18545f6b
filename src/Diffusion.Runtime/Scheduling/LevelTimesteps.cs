using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// The training timesteps a VP network is conditioned on at continuous noise levels: t(clamp(s, s_0, s_{T-1})), the
/// fractional timestep of <see cref="VariancePreservingSigmas.TimestepOf"/> after clamping to the schedule's levels
/// (diffusers' implicit clamping, made explicit). The rule of Diffusion.Dsl.ConsistencyModelAttribute: the math uses s
/// itself; only the network's conditioning is clamped to where it was trained.
/// </summary>
public sealed class LevelTimesteps
{
    /// <summary>
    /// The levels of abar_0 .. abar_{T-1}; a last abar of 0 (a zero terminal SNR: no finite level) is left out, so its
    /// largest level is s_{T-2}.
    /// </summary>
    public LevelTimesteps(IReadOnlyList<double> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(alphasCumprod);
        var finite = alphasCumprod.Count > 1 && alphasCumprod[^1] == 0 ? alphasCumprod.Take(alphasCumprod.Count - 1).ToArray()
            : alphasCumprod.ToArray();
        Levels = new VariancePreservingSigmas(finite);
    }

    /// <summary>The schedule's levels s_t = sqrt((1 - abar_t) / abar_t).</summary>
    public VariancePreservingSigmas Levels { get; }

    /// <summary>t(clamp(s)) for one level.</summary>
    public double Of(double sigma) => Levels.TimestepOf(Levels.Clamp(sigma));

    /// <summary>
    /// t(clamp(s)) for every level of <paramref name="sigma"/> (any shape): float64 (a network embeds it in float32; an
    /// oracle can map it back to s), on its device.
    /// </summary>
    public Tensor Of(Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        using var scope = NewDisposeScope();
        var levels = sigma.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var timesteps = levels.Select(Of).ToArray();
        return tensor(timesteps, dtype: ScalarType.Float64).reshape(sigma.shape).to(sigma.device).MoveToOuterDisposeScope();
    }
}
