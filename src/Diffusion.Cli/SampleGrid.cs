using System;
using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli;

/// <summary>
/// Samples a grid: with classes (a class-conditional model, or classifier guidance), row i holds <c>perRow</c> samples
/// of class i; without, the samples fill a square.
/// </summary>
internal static class SampleGrid
{
    /// <summary>The most samples a grid command allocates for.</summary>
    public const int MaxCount = 10_000;

    /// <summary>About how many pixels a grid cell takes: 28 px digits show at 2x.</summary>
    public const int CellPixels = 64;

    private const int DefaultPerClass = 10;
    private const int DefaultUnconditional = 64;

    /// <summary>An option for the number of samples of a grid, at least 1 and at most <see cref="MaxCount"/>.</summary>
    public static System.CommandLine.Option<int?> CountOption(string name, string description)
    {
        var count = new System.CommandLine.Option<int?>(name) { Description = description };
        count.Validators.Add(result =>
        {
            if (!CliOptions.Parsed(result, out int? value) || value is not { } n) return;
            if (n < 1) result.AddError($"{name} must be at least 1.");
            else if (n > MaxCount) result.AddError($"{name} {n} is more than {MaxCount}, the most this command allocates for.");
        });
        return count;
    }

    /// <summary>
    /// The samples of a grid: <paramref name="asked"/> (for classes a multiple of them, else refused naming
    /// <paramref name="option"/>), or 10 per class, or 64 without classes.
    /// </summary>
    public static int Count(int? asked, int? classes, string option)
    {
        int total = asked ?? (classes is { } k ? DefaultPerClass * k : DefaultUnconditional);
        if (classes is { } rows && total % rows != 0) throw new CommandLineException($"{option} {total} must be a multiple of {rows}: one row per class.");
        return total;
    }

    /// <summary>The classes whose rows the grid holds: the model's, else the guiding classifier's, else none.</summary>
    public static int? Classes(IDiffusionModel model, ClassifierGuidance? classifier = null) => model.Description.Classes ?? classifier?.Classifier.Classes;

    /// <summary>Rows of a grid of <paramref name="count"/> samples: one per class, or as many as make it square.</summary>
    public static int Rows(int? classes, long count) => classes ?? (int)Math.Min(count, (long)Math.Ceiling(Math.Sqrt(count)));

    /// <summary>How many times to repeat each pixel so an image of <paramref name="size"/> pixels shows at about <paramref name="target"/>.</summary>
    public static int Upscale(int size, int target) => Math.Max(1, target / size);

    /// <summary>
    /// Samples (count, C, H, W) in [-1, 1] (approximately) on the CPU, in batches of at most <paramref name="batchSize"/>:
    /// with <paramref name="classes"/>, <paramref name="count"/> / classes per class, row-major by class (labels
    /// 0,0,...,1,1,...); else unconditionally. When <paramref name="strip"/> is given it receives about
    /// <paramref name="stripFrames"/> snapshots of the first sample, from noise to image.
    /// </summary>
    /// <paramref name="precision"/> is the transformer blocks' matmul precision (<see cref="SampleRequest.Precision"/>),
    /// <paramref name="spacing"/> the training steps DDPM and DDIM visit (<see cref="SampleRequest.Spacing"/>).
    /// <paramref name="classifier"/>, when given, guides every sample toward its row's class (its scale is the
    /// guidance scale s); <paramref name="guidance"/> is the classifier-free weight w (0 samples the null label).
    /// <remarks>
    /// With a <paramref name="job"/> of several processes, each samples its shard of every batch (<see cref="SampleShard"/>:
    /// the noise is the whole batch's, of which it keeps its rows) and the shards are summed into the whole on every
    /// process, so the result is the one process's up to the network's float32 rounding at a smaller batch. Then every
    /// batch needs at least one sample per process.
    /// </remarks>
    public static Tensor Sample(IDiffusionModel model, SamplerKind sampler, int? classes, int count, int steps, double eta, double guidance,
        long seed, Device device, Thresholding thresholding, double percentile, int batchSize = 250, List<Tensor>? strip = null, int stripFrames = 10,
        ClassifierGuidance? classifier = null, ICollective? job = null, MatmulPrecision precision = MatmulPrecision.Float32,
        Diffusion.Runtime.Scheduling.TimestepSpacing? spacing = null)
    {
        using var scope = NewDisposeScope();
        int rank = job?.Rank ?? 0, ranks = job?.Size ?? 1;
        int lastBatch = count - (count - 1) / batchSize * batchSize;    // the smallest batch
        if (ranks > 1 && lastBatch < ranks)
            throw new CommandLineException($"{count} samples in batches of {batchSize} leave a batch with fewer samples than the {ranks} MPI processes; sample more, or on fewer processes.");
        var labels = classes is { } k ? arange(k, dtype: ScalarType.Int64).repeat_interleave(count / k) : null;   // 0,0,...,1,1,...
        var parts = new List<Tensor>();
        using var generator = new Generator((ulong)seed, device);
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            var (shard, rows) = SampleShard.Of(size, rank, ranks);
            var batchLabels = labels?.narrow(0, start + shard.Offset, rows).to(device);
            var request = new SampleRequest(rows, batchLabels, steps, eta, guidance)
            {
                Thresholding = thresholding, DynamicPercentile = percentile, Classifier = classifier, Shard = ranks > 1 ? shard : null,
                Precision = precision, Spacing = spacing,
            };
            Action<int, Tensor>? onStep = null;
            if (strip is not null && start == 0 && shard.Offset == 0)
            {
                int every = Math.Max(1, steps / stripFrames);
                onStep = (i, x) =>
                {
                    if (i % every == 0 || i == steps - 1) strip.Add(x[0].detach().cpu().clone().DetachFromDisposeScope());
                };
            }
            parts.Add(model.Sample(sampler, request, generator, onStep: onStep).cpu());
        }
        var samples = cat(parts, 0);
        return (ranks == 1 ? samples : Gathered(samples, count, batchSize, job!)).MoveToOuterDisposeScope();
    }

    // The whole (count, ...) on every process: each puts its rows of each batch in place, zeros elsewhere, and the sum
    // over the processes (exact: every element has one non-zero term) fills the rest.
    private static Tensor Gathered(Tensor mine, int count, int batchSize, ICollective job)
    {
        var shape = (long[])mine.shape.Clone();
        shape[0] = count;
        var whole = zeros(shape, dtype: ScalarType.Float32);
        long taken = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            var (shard, rows) = SampleShard.Of(Math.Min(batchSize, count - start), job.Rank, job.Size);
            whole.narrow(0, start + shard.Offset, rows).copy_(mine.narrow(0, taken, rows));
            taken += rows;
        }
        var values = whole.data<float>().ToArray();
        job.AllReduceSum(values);
        return tensor(values, shape);
    }
}
