using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// The random draws of one step of a diffusion model's training loss (Ho et al. 2020, Algorithm 1): a timestep and a
/// noise image per example, and a uniform per example for classifier-free label dropout (Ho and Salimans 2022,
/// Algorithm 1). Drawn for a whole batch and sliced by rows, so that data-parallel ranks, each drawing the whole
/// batch's from the step's seed and keeping its own rows, compute the step that one process computes.
/// </summary>
/// <param name="Timesteps">(N) int64: t ~ Uniform{0, ..., T - 1}.</param>
/// <param name="Noise">(N, C, H, W) float32: eps ~ N(0, I).</param>
/// <param name="DropUniforms">(N) float32 u ~ Uniform[0, 1) (a label is dropped where u &lt; p_uncond), or null for an
/// unconditional model.</param>
public sealed record DiffusionDraws(Tensor Timesteps, Tensor Noise, Tensor? DropUniforms)
{
    /// <summary>Number of examples N.</summary>
    public long Count => Timesteps.shape[0];

    /// <summary>
    /// Draws from <paramref name="generator"/>, in the order the generated losses always drew them: t (Ho et al. 2020,
    /// Algorithm 1, line 3; 0-based), eps (line 4), then the dropout uniforms when <paramref name="labelDropout"/>. The
    /// tensors are on <paramref name="device"/>, in the caller's dispose scope.
    /// </summary>
    /// <param name="shape">The batch's shape (N, C, H, W).</param>
    /// <param name="device">Where the draws are made (the generator's device).</param>
    /// <param name="timesteps">T, the schedule's number of timesteps.</param>
    /// <param name="labelDropout">Whether the model drops labels (class-conditional with a null label).</param>
    /// <param name="generator">The step's generator.</param>
    public static DiffusionDraws Draw(long[] shape, Device device, long timesteps, bool labelDropout, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        long n = shape[0];
        var t = randint(0, timesteps, new[] { n }, dtype: ScalarType.Int64, device: device, generator: generator);    // (N)
        var noise = randn(shape, generator: generator, device: device);                                            // (N, C, H, W)
        var uniforms = labelDropout ? rand(new[] { n }, generator: generator, device: device) : null;                // (N)
        return new DiffusionDraws(t, noise, uniforms);
    }

    /// <summary>Rows start .. start + count of every draw (views, no copy).</summary>
    public DiffusionDraws Rows(long start, long count) =>
        new(Timesteps.narrow(0, start, count), Noise.narrow(0, start, count), DropUniforms?.narrow(0, start, count));

    /// <summary>Throws unless the draws are for a batch of <paramref name="shape"/> (N, C, H, W).</summary>
    public void Require(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!Noise.shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"The draws are for a batch of ({string.Join(", ", Noise.shape)}), not ({string.Join(", ", shape)}).", nameof(shape));
    }
}
