using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// evaluate for an autoencoder: a seeded subset of --data reconstructed through the posterior's mean (what a latent
/// model decodes), scored by the mean absolute error and PSNR, the evaluator's accuracy on the originals and on the
/// reconstructions (class subfolders give the labels), and the Frechet distance between the evaluator's features of the
/// two, so a reader sees what the first stage of a latent model loses before any diffusion.
/// </summary>
internal static class AutoencoderEvaluation
{
    /// <summary>Images encoded and decoded at once.</summary>
    private const int Batch = 250;

    /// <summary>Scores <paramref name="model"/>, loaded already from <paramref name="resolved"/>, on at most <paramref name="count"/> images of <paramref name="folder"/>.</summary>
    public static int Run(IAutoencoder model, IImageEvaluator evaluator, string resolved, string folder, int count, long seed, Device target)
    {
        var declared = model.Description;
        bool labelled = Directory.EnumerateDirectories(folder).Any();
        var options = ModelData.Options(declared) with { Layout = labelled ? ImageFolderLayout.ClassConditional : ImageFolderLayout.Unconditional };
        var images = StreamingImageFolder.Open(folder, options, CacheBytes);
        foreach (var warning in images.Warnings) Console.Error.WriteLine($"warning: {warning}");
        if (images.Count == 0) throw new CommandLineException($"--data {folder}: no {ModelData.DescribeImages(declared)} found.");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = Math.Min(count, images.Count);
        // A seeded random subset, so it holds every class rather than the first folders' only.
        using var picker = new Generator((ulong)seed + 1);
        var picked = (n < images.Count ? randperm(images.Count, generator: picker).narrow(0, 0, n) : arange(n, dtype: ScalarType.Int64)).data<long>().ToArray();
        var originals = new Tensor[(picked.Length + Batch - 1) / Batch];
        var reconstructions = new Tensor[originals.Length];
        var labels = labelled ? new Tensor[originals.Length] : null;
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < originals.Length; b++)
        {
            using var batchScope = NewDisposeScope();
            var (batch, batchLabels) = images.Batch(picked[(b * Batch)..Math.Min(picked.Length, (b + 1) * Batch)]);
            using var posterior = model.Encode(batch.to(target));
            originals[b] = batch.MoveToOuterDisposeScope();
            reconstructions[b] = model.Decode(posterior.Mode()).clamp(-1, 1).cpu().MoveToOuterDisposeScope();
            if (labels is not null) labels[b] = batchLabels!.MoveToOuterDisposeScope();
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var x = cat(originals, 0);
        var xHat = cat(reconstructions, 0);
        var error = ReconstructionError.Of(x, xHat);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[evaluate] {resolved}: {x.shape[0]} images of {folder} (seed {seed}) encoded and decoded through the posterior mean in {seconds:F1} s: {x.shape[0] / seconds:F1} images/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[evaluate] reconstruction: mean absolute error {error.MeanAbsoluteError:F4} per pixel in [-1, 1], PSNR {error.Psnr:F2} dB"));
        if (labels is not null)
        {
            var y = cat(labels, 0);
            double original = SampleQuality.ShareMatchingLabel(evaluator, x, y), reconstructed = SampleQuality.ShareMatchingLabel(evaluator, xHat, y);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[evaluate] evaluator accuracy: {original:P1} on the originals, {reconstructed:P1} on their reconstructions"));
        }
        using var real = FeatureGaussian.Fit(evaluator.Features(x));
        using var decoded = FeatureGaussian.Fit(evaluator.Features(xHat));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[evaluate] Frechet distance {FrechetDistance.Between(real, decoded):F4} between the evaluator's features of the originals and of their reconstructions"));
        return 0;
    }

    /// <summary>Each image is read once: a small cache suffices.</summary>
    private const long CacheBytes = 64L << 20;
}
