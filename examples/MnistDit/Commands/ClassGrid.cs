using System;
using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>Samples a class-conditional grid: row i holds <c>perClass</c> samples of digit i.</summary>
internal static class ClassGrid
{
    /// <summary>The ten digits, one grid row each.</summary>
    public const int Digits = 10;

    /// <summary>
    /// Samples (Classes * perClass, 1, 28, 28) in [-1, 1] (approximately) on the CPU, row-major by digit, in batches of at
    /// most <paramref name="batchSize"/>. When <paramref name="strip"/> is given it receives about
    /// <paramref name="stripFrames"/> snapshots of the first sample, from noise to image.
    /// </summary>
    /// <paramref name="classifier"/>, when given, guides every sample toward its row's digit (its scale is the
    /// guidance scale s); <paramref name="guidance"/> is the classifier-free weight w (0 samples the null label).
    public static Tensor Sample(IDiffusionModel model, SamplerKind sampler, int perClass, int steps, double eta, double guidance,
        long seed, Device device, Thresholding thresholding, double percentile, int batchSize = 250, List<Tensor>? strip = null, int stripFrames = 10,
        ClassifierGuidance? classifier = null)
    {
        using var scope = NewDisposeScope();
        int total = Digits * perClass;
        var labels = arange(Digits, dtype: ScalarType.Int64).repeat_interleave(perClass);   // 0,0,...,1,1,...
        var parts = new List<Tensor>();
        using var generator = new Generator((ulong)seed, device);
        for (int start = 0; start < total; start += batchSize)
        {
            int count = Math.Min(batchSize, total - start);
            var batchLabels = labels.narrow(0, start, count).to(device);
            var request = new SampleRequest(count, batchLabels, steps, eta, guidance) { Thresholding = thresholding, DynamicPercentile = percentile, Classifier = classifier };
            Action<int, Tensor>? onStep = null;
            if (strip is not null && start == 0)
            {
                int every = Math.Max(1, steps / stripFrames);
                onStep = (i, x) =>
                {
                    if (i % every == 0 || i == steps - 1) strip.Add(x[0].detach().cpu().clone().DetachFromDisposeScope());
                };
            }
            parts.Add(model.Sample(sampler, request, generator, onStep: onStep).cpu());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
