using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>How one prompt's samples were judged.</summary>
/// <param name="Case">The prompt.</param>
/// <param name="DigitShare">Share of its samples the evaluator reads as the prompt's class.</param>
/// <param name="AttributeShare">
/// For a prompt with an attribute the measure knows: share of sample pairs (same seed) in which its sample scores above
/// the sample of its class's neutral prompt; else null.
/// </param>
/// <param name="Diversity">The mean distance between two of its samples' evaluator features (within-prompt diversity).</param>
public sealed record PromptScore(PromptCase Case, double DigitShare, double? AttributeShare, double Diversity);

/// <summary>
/// Prompt adherence of a text model (issue 15's numbers): every prompt is sampled K times at the same K seeds, so the
/// samples of two prompts pair up noise for noise; digit adherence is the share read as the prompt's class, attribute
/// adherence the share of pairs in which the prompt with the attribute word moves the measured property in the asked
/// direction against its class's neutral prompt (the first prompt of that class without an attribute).
/// </summary>
public static class PromptAdherence
{
    /// <summary>
    /// Judges <paramref name="cases"/>: <paramref name="sample"/> returns a prompt's K samples (K, C, H, W) in [-1, 1],
    /// drawn at the same K seeds for every prompt; <paramref name="attributes"/> measures attribute words (null: none).
    /// </summary>
    public static IReadOnlyList<PromptScore> Measure(IReadOnlyList<PromptCase> cases, Func<string, Tensor> sample, IImageEvaluator evaluator,
        IAttributeMeasure? attributes)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(evaluator);
        var neutral = new Dictionary<int, PromptCase>();
        foreach (var c in cases.Where(c => c.Attribute is null)) neutral.TryAdd(c.Class, c);
        var neutralSamples = new Dictionary<int, Tensor>();
        var scores = new List<PromptScore>();
        try
        {
            foreach (var c in cases)
            {
                using var scope = NewDisposeScope();
                var images = sample(c.Prompt);                                           // (K, C, H, W)
                long k = images.shape[0];
                using var labels = tensor(Enumerable.Repeat((long)c.Class, (int)k).ToArray());    // (K)
                double digits = SampleQuality.ShareMatchingLabel(evaluator, images, labels);
                double diversity = MeanPairwiseDistance(evaluator.Features(images));
                // The neutral prompt's samples are kept for the attribute prompts of its class (sampled here if it comes later).
                if (neutral.TryGetValue(c.Class, out var first) && ReferenceEquals(first, c) && !neutralSamples.ContainsKey(c.Class))
                    neutralSamples[c.Class] = images.detach().clone().DetachFromDisposeScope();
                double? attribute = null;
                if (c.Attribute is { } word && attributes is not null && neutral.TryGetValue(c.Class, out var plain))
                {
                    if (!neutralSamples.TryGetValue(c.Class, out var baseline))
                    {
                        baseline = sample(plain.Prompt).DetachFromDisposeScope();
                        neutralSamples[c.Class] = baseline;
                    }
                    if (baseline.shape[0] != k) throw new InvalidOperationException($"The sampler gave {baseline.shape[0]} and {k} samples for two prompts; it must give K for each.");
                    var asked = attributes.Score(images, word);
                    var without = attributes.Score(baseline, word);
                    if (asked is not null && without is not null) attribute = asked.Zip(without).Count(p => p.First > p.Second) / (double)k;
                }
                scores.Add(new PromptScore(c, digits, attribute, diversity));
            }
        }
        finally
        {
            foreach (var t in neutralSamples.Values) t.Dispose();
        }
        return scores;
    }

    /// <summary>The mean Euclidean distance over the K (K - 1) / 2 pairs of rows of <paramref name="features"/> (K, D); 0 for one row.</summary>
    public static double MeanPairwiseDistance(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        long k = features.shape[0];
        if (k < 2) return 0;
        using var scope = NewDisposeScope();
        var distances = cdist(features.to(ScalarType.Float64), features.to(ScalarType.Float64));    // (K, K), zero diagonal
        return distances.sum().item<double>() / (k * (k - 1));
    }
}
