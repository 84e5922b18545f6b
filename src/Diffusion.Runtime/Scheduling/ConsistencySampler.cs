using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// Consistency-model sampling as pure functions (Song et al. 2023, Algorithm 1): denoise with the boundary-condition
/// parameterization, re-noise to a lower level, and the multistep sampler over chosen levels (one step when there is
/// one level).
/// </summary>
/// <remarks>
/// Notation: x = a sample at level s in the variance-exploding form x = x_0 + s z; F = the network's raw output;
/// s_min = epsilon, the level where f is the identity; levels s_1 &gt; s_2 &gt; ... (Algorithm 1's T, tau_1, ...).
/// Levels are one per batch (doubles) or, in the tensor overloads, one 0-d level or one per sample.
/// </remarks>
public static class ConsistencySampler
{
    /// <summary>
    /// f = c_skip(s) x + c_out(s) F (Song et al. 2023, Eq. 5), optionally clamped to [-1, 1] (diffusers'
    /// <c>clip_denoised</c>; the clamp breaks f(x, s_min) = x for |x| &gt; 1, so leave it off where that matters).
    /// </summary>
    /// <param name="sample">x at level <paramref name="sigma"/>.</param>
    /// <param name="modelOutput">F, the network's raw output, shaped as the sample.</param>
    /// <param name="sigma">s, one level for the batch (0-d) or one per sample (shape [N]).</param>
    /// <param name="scalings">s_min and sigma_data.</param>
    /// <param name="clipDenoised">Clamp the result to [-1, 1].</param>
    public static Tensor Denoise(Tensor sample, Tensor modelOutput, Tensor sigma, ConsistencyScalings scalings, bool clipDenoised)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(scalings);
        RequireSameShape(modelOutput, sample, nameof(modelOutput));
        using var scope = NewDisposeScope();
        var s = LevelShape.Broadcastable(sigma, sample, nameof(sigma));
        // f = c_skip x + c_out F (Song et al. 2023, Eq. 5)
        var denoised = scalings.COut(s) * modelOutput + scalings.CSkip(s) * sample;
        if (clipDenoised)
        {
            using var low = (-1.0).ToScalar();
            using var high = 1.0.ToScalar();
            denoised = denoised.clamp(low, high);                                       // diffusers' clip_denoised
        }
        return denoised.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// f = c_skip(s) x + c_out(s) F at one level <paramref name="sigma"/> for the batch; see the tensor overload.
    /// </summary>
    public static Tensor Denoise(Tensor sample, Tensor modelOutput, double sigma, ConsistencyScalings scalings, bool clipDenoised)
    {
        using var level = tensor(sigma, dtype: ScalarType.Float64);
        return Denoise(sample, modelOutput, level, scalings, clipDenoised);
    }

    /// <summary>
    /// x = f + sqrt(s_next^2 - s_min^2) z (Song et al. 2023, Algorithm 1, line 5): a sample at level s_next whose
    /// clean part is <paramref name="denoised"/>, since f already carries the variance s_min^2 of the boundary level.
    /// </summary>
    /// <param name="denoised">f, the current clean-sample estimate.</param>
    /// <param name="sigmaNext">s_next, at least s_min: one level (0-d) or one per sample (shape [N]).</param>
    /// <param name="sigmaMin">s_min (epsilon).</param>
    /// <param name="noise">z ~ N(0, I), shaped as <paramref name="denoised"/>.</param>
    public static Tensor Renoise(Tensor denoised, Tensor sigmaNext, double sigmaMin, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(denoised);
        ArgumentNullException.ThrowIfNull(noise);
        RequireSameShape(noise, denoised, nameof(noise));
        using var scope = NewDisposeScope();
        var s = LevelShape.Broadcastable(sigmaNext, denoised, nameof(sigmaNext));
        using var min = sigmaMin.ToScalar();
        if (s.lt(min).any().item<bool>())
            throw new ArgumentOutOfRangeException(nameof(sigmaNext),
                $"A level below s_min = {sigmaMin} has no re-noising: sqrt(s^2 - s_min^2) is not real.");
        using var minSquared = (sigmaMin * sigmaMin).ToScalar();
        var scale = s.mul(s).sub_(minSquared).sqrt_();                                     // sqrt(s_next^2 - s_min^2)
        return (denoised + noise * scale).MoveToOuterDisposeScope();  // Song et al. 2023, Algorithm 1, line 5
    }

    /// <summary>x = f + sqrt(s_next^2 - s_min^2) z at one level for the batch; see the tensor overload.</summary>
    public static Tensor Renoise(Tensor denoised, double sigmaNext, double sigmaMin, Tensor noise)
    {
        using var level = tensor(sigmaNext, dtype: ScalarType.Float64);
        return Renoise(denoised, level, sigmaMin, noise);
    }

    /// <summary>
    /// Song et al. 2023, Algorithm 1: x = f(x_T, s_1), then for each further level s_n, re-noise x to s_n with a fresh
    /// z and denoise again. One level is one-step sampling, f(x_T, s_1), and draws nothing.
    /// </summary>
    /// <param name="consistencyFunction">f(x, s).</param>
    /// <param name="start">x_T at the first level (for example s_max z, z ~ N(0, I)).</param>
    /// <param name="levels">s_1 &gt; s_2 &gt; ... &gt;= s_min: the first is x_T's level, the rest the re-noising levels.</param>
    /// <param name="sigmaMin">s_min (epsilon).</param>
    /// <param name="generator">Draws every z, in order; PyTorch's global generator when null.</param>
    /// <param name="shard">When the batch is one process's share of a larger one: each z is the whole request's draw,
    /// of which the shard keeps its rows (<see cref="Sampling.SamplingNoise"/>); needs <paramref name="generator"/>.</param>
    /// <returns>The last f, owned by the caller.</returns>
    public static Tensor Sample(ConsistencyFunction consistencyFunction, Tensor start, IReadOnlyList<double> levels,
        double sigmaMin, Generator? generator = null, Sampling.SampleShard? shard = null)
    {
        ArgumentNullException.ThrowIfNull(consistencyFunction);
        ArgumentNullException.ThrowIfNull(start);
        CheckLevels(levels, sigmaMin);
        if (shard is not null && generator is null)
            throw new ArgumentException("A shard's draws are rows of the whole request's: pass the generator they come from.", nameof(shard));
        using var scope = NewDisposeScope();
        // Aliases: the step owns every x it holds, whatever f returns (its input, or a tensor of its own).
        var x = consistencyFunction(start, levels[0]).alias();  // Algorithm 1, line 2: x = f(x_T, T)
        for (int n = 1; n < levels.Count; n++)
        {
            using var step = NewDisposeScope();
            var z = shard is null                                                            // line 4: z ~ N(0, I)
                ? StepNoise.Get(generator, null, x.shape, x.dtype, x.device, x.dtype)
                : Sampling.SamplingNoise.Draw(x.shape, shard, generator!, x.device).to(x.dtype);
            var noisy = Renoise(x, levels[n], sigmaMin, z);  // line 5: x_tau = x + sqrt(tau^2 - eps^2) z
            // line 6: x = f(x_tau, tau)
            var next = consistencyFunction(noisy, levels[n]).alias().MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        return x.MoveToOuterDisposeScope();
    }

    private static void CheckLevels(IReadOnlyList<double>? levels, double sigmaMin)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count == 0) throw new ArgumentException("Give at least one noise level (one-step sampling).", nameof(levels));
        if (!(sigmaMin >= 0) || double.IsInfinity(sigmaMin))
            throw new ArgumentOutOfRangeException(nameof(sigmaMin), sigmaMin, "s_min must be a finite number, 0 or above.");
        for (int i = 0; i < levels.Count; i++)
        {
            double s = levels[i];
            if (!(s >= sigmaMin) || double.IsInfinity(s) || (i > 0 && !(s < levels[i - 1])))
                throw new ArgumentOutOfRangeException(nameof(levels),
                    $"levels[{i}] = {s}: the levels must be finite, descend strictly and stay at or above s_min = {sigmaMin}.");
        }
    }

    private static void RequireSameShape(Tensor a, Tensor sample, string name)
    {
        if (!a.shape.SequenceEqual(sample.shape))
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", a.shape)}] but the sample has [{string.Join(", ", sample.shape)}].", name);
    }
}
