using System;
using TorchSharp;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// Classifier-free guidance over text (Ho and Salimans 2022, Eq. 6; Saharia et al. 2022, Sec. 2.2):
/// out = out(x_t, null) + w (out(x_t, text) - out(x_t, null)), the conditional and the null pass batched in one call,
/// as the <see cref="Denoiser"/> every generated sampler takes (the sampler itself then runs unguided).
/// </summary>
public static class TextGuidance
{
    /// <summary>
    /// The denoiser (x, t, _) -> guided output for the prompts (N rows) at weight <paramref name="guidanceScale"/>:
    /// w = 1 is the conditional pass alone and w = 0 the null pass alone (one call each); otherwise one call on 2N rows.
    /// Only the first <paramref name="predictionChannels"/> channels are guided; channels past them (learned variance
    /// values) are the conditional pass's, as the reference DiT keeps them.
    /// </summary>
    public static Denoiser Create(TextDenoiser network, TextConditioning prompts, double guidanceScale, int predictionChannels)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(prompts);
        if (double.IsNaN(guidanceScale) || double.IsInfinity(guidanceScale))
            throw new ArgumentOutOfRangeException(nameof(guidanceScale), $"guidance scale = {guidanceScale}; use a finite weight.");
        long n = prompts.Count;
        return (x, t, labels) =>
        {
            if (x.shape[0] != n)
                throw new ArgumentException($"A batch of {x.shape[0]} for {n} prompts.", nameof(x));
            using var scope = NewDisposeScope();
            if (guidanceScale == 1.0) return network(x, t, labels, prompts).MoveToOuterDisposeScope();
            if (guidanceScale == 0.0)
            {
                var nulls = prompts with { Dropped = ones(n, dtype: ScalarType.Bool, device: prompts.Pooled.device) };
                return network(x, t, labels, nulls).MoveToOuterDisposeScope();
            }
            var both = network(cat(new[] { x, x }, 0), cat(new[] { t, t }, 0), labels is null ? null : cat(new[] { labels, labels }, 0),
                prompts.WithNullCopy());
            var halves = both.chunk(2, 0);                        // conditional, unconditional: (N, C_out, H, W) each
            var conditional = halves[0].narrow(1, 0, predictionChannels);
            var unconditional = halves[1].narrow(1, 0, predictionChannels);
            using var one = 1.ToScalar();
            using var scale = guidanceScale.ToScalar();
            var guided = unconditional.add((conditional - unconditional).mul(scale), one);    // out(null) + w (out(text) - out(null))
            if (halves[0].shape[1] == predictionChannels) return guided.MoveToOuterDisposeScope();
            var rest = halves[0].narrow(1, predictionChannels, halves[0].shape[1] - predictionChannels);
            return cat(new[] { guided, rest }, 1).MoveToOuterDisposeScope();
        };
    }
}
