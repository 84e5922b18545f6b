using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// evaluate: a checkpoint's samples judged by the user's evaluator: for a class-conditional model the share classified
/// as the class they were asked for, and with --data the Frechet distance between the evaluator's features of real and
/// generated images (Heusel et al. 2017); for an autoencoder, its reconstructions of --data
/// (<see cref="AutoencoderEvaluation"/>).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(ModelCatalog catalog, EvaluatorSource source, Func<ITextEncoder>? textEncoder = null)
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A checkpoint, run or release folder.");
        var evaluatorPath = new Option<string>("--evaluator", "--classifier") { Description = source.Description, Required = true };
        var perClass = CliOptions.Positive("--per-class", 100, "Samples per class of a class-conditional model.", maximum: 10_000);
        var count = CliOptions.Positive("--count", 1000, "Samples of an unconditional model, or images of --data an autoencoder reconstructs.", maximum: 100_000);
        var data = new Option<string?>("--data") { Description = "Real images laid out as for train: also report the Frechet distance between the evaluator's features of real and generated images (needed for an unconditional model)." };
        var realCount = CliOptions.Positive("--real-count", 10_000, "At most this many real images (a subset drawn by --seed).");
        var heldOut = new Option<string?>("--held-out") { Description = "Real images the model never trained on, laid out as --data: their Frechet distance to --data, at the sample count, is printed as the floor the samples' distance is read against." };
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps (1..T).");
        var eta = CliOptions.NonNegative("--eta", 0.0, "DDIM's eta.");
        var guidance = CliOptions.Guidance();
        var threshold = CliOptions.Threshold();
        var percentile = CliOptions.Percentile();
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var precision = CliOptions.Precision();
        var model = ModelOption.Scoreable(catalog, "Which diffusion model (or autoencoder); the checkpoint must be of it");
        var noVerify = CliOptions.NoVerify();
        var command = new Command("evaluate", "Score a checkpoint's samples with the evaluator: the share classified as their class, and the Frechet distance to real images.")
        {
            model.Option, checkpoint, evaluatorPath, perClass, count, data, realCount, heldOut, sampler, steps, eta, guidance, threshold, percentile, seed, device, noVerify,
            precision,
        };
        var prompts = new Option<string?>("--prompts") { Description = "For a text-conditioned model: the prompts to judge it by, lines 'class<TAB>attribute<TAB>prompt' (attribute - for none)." };
        var perPrompt = CliOptions.Positive("--per-prompt", 20, "For a text-conditioned model: samples per prompt, at the same seeds for every prompt.", maximum: 250);
        if (textEncoder is not null)
        {
            command.Add(prompts);
            command.Add(perPrompt);
        }
        CommandAction.Set(command, parse =>
        {
            // Under an MPI launcher each process samples its share of every batch and rank 0 scores them.
            using var job = JobCollective.Start("[evaluate]");
            return JobCollective.Run(job, () => Evaluate(parse, job));
        });
        return command;

        int Evaluate(ParseResult parse, ICollective job)
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            var entry = model.Resolve(parse);
            if (entry.Kind == ModelKind.Autoencoder) return EvaluateAutoencoder(parse, entry, job, target);
            var diffusion = LoadedModel.Diffusion(entry);
            if (diffusion is ITextDiffusionModel text) return EvaluateText(parse, text, job, target);
            if (textEncoder is not null && parse.GetValue(prompts) is not null)
                throw new CommandLineException($"--prompts: {diffusion.Description.Name} is not conditioned on text.");
            var declared = diffusion.Description;
            string? real = parse.GetValue(data);
            if (real is null && declared.Classes is null)
                throw new CommandLineException($"--data is needed: {declared.Name} is unconditional, so its samples are scored by the Frechet distance to real images.");
            if (real is not null)
            {
                CliOptions.RequireDirectory(real, "--data");
                ModelData.RequireLayout(real, "--data", declared);
            }
            string? unseen = parse.GetValue(heldOut);
            if (unseen is not null)
            {
                if (real is null) throw new CommandLineException("--held-out needs --data: the floor is the held-out images' distance to those real images.");
                CliOptions.RequireDirectory(unseen, "--held-out");
                ModelData.RequireLayout(unseen, "--held-out", declared);
            }
            var kind = CliOptions.ChooseSampler(parse.GetValue(sampler), diffusion);
            double weight = CliOptions.ChooseGuidance(parse.GetValue(guidance), diffusion);
            CliOptions.WarnAboutSampling(parse.GetValue(eta), weight);
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                string resolved = LoadedModel.Load(diffusion, parse.GetValue(checkpoint)!, target, verify);
                int? classes = declared.Classes;
                int total = classes is { } k ? k * parse.GetValue(perClass) : parse.GetValue(count);
                var clock = Stopwatch.StartNew();
                using var samples = SampleGrid.Sample(diffusion, kind, classes, total, parse.GetValue(steps), parse.GetValue(eta),
                    weight, parse.GetValue(seed), target, CliOptions.ChooseThreshold(parse, threshold, diffusion), parse.GetValue(percentile), job: job,
                    precision: CliOptions.ToPrecision(parse.GetValue(precision)));
                double seconds = clock.Elapsed.TotalSeconds;
                if (job.Rank != 0) return 0;
                using var clamped = samples.clamp(-1, 1);
                string settings = $"({kind}, {parse.GetValue(steps)} steps, eta {parse.GetValue(eta)}, guidance {weight}, {CliOptions.ChooseThreshold(parse, threshold, diffusion)} thresholding, seed {parse.GetValue(seed)})";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[evaluate] sampled {samples.shape[0]} images in {seconds:F1} s: {samples.shape[0] / seconds:F2} images/s {settings}"));
                if (classes is { } rows)
                {
                    using var intended = arange(rows, dtype: ScalarType.Int64).repeat_interleave(parse.GetValue(perClass));
                    double share = SampleQuality.ShareMatchingLabel(evaluator, clamped, intended);
                    Console.WriteLine($"[evaluate] {resolved}: {share:P1} of {samples.shape[0]} samples classified as their intended class {settings}");
                }
                if (real is not null)
                {
                    using var sampleFeatures = Features(evaluator, clamped);
                    using var generated = FeatureGaussian.Fit(sampleFeatures);
                    using var reference = RealFeatures(evaluator, real, declared, parse.GetValue(realCount), parse.GetValue(seed));
                    double distance = FrechetDistance.Between(reference, generated);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[evaluate] {resolved}: Frechet distance {distance:F4} between the evaluator's features of {reference.Count} real images ({real}) and {generated.Count} samples {settings}"));
                    if (unseen is not null)
                    {
                        // The same statistic between two real sets of about the sample count: what sampling noise alone leaves.
                        using var heldOutFeatures = RealFeatures(evaluator, unseen, declared, (int)generated.Count, parse.GetValue(seed));
                        double floor = FrechetDistance.Between(reference, heldOutFeatures);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"[evaluate] floor: Frechet distance {floor:F4} between the same {reference.Count} real images and {heldOutFeatures.Count} held-out real images ({unseen})"));
                    }
                }
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
            return 0;
        }

        // An autoencoder: its reconstructions of --data.
        int EvaluateAutoencoder(ParseResult parse, ModelEntry entry, ICollective job, Device target)
        {
            var autoencoder = entry.Factory() as IAutoencoder ?? throw new InvalidOperationException($"{entry.Name}'s factory did not build an IAutoencoder.");
            string name = autoencoder.Description.Name;
            if (job.Size > 1) throw new CommandLineException($"{name} is an autoencoder: it is evaluated in one process; run it without an MPI launcher.");
            string real = parse.GetValue(data) ?? throw new CommandLineException($"--data is needed: {name} is an autoencoder, scored by its reconstructions of those images.");
            CliOptions.RequireDirectory(real, "--data");
            if (parse.GetValue(heldOut) is not null) throw new CommandLineException($"--held-out: {name} is an autoencoder; its reconstructions are compared with their own originals.");
            if (textEncoder is not null && parse.GetValue(prompts) is not null) throw new CommandLineException($"--prompts: {name} is an autoencoder, not conditioned on text.");
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                string resolved = LoadedModel.Load(autoencoder, parse.GetValue(checkpoint)!, target, verify);
                return AutoencoderEvaluation.Run(autoencoder, evaluator, resolved, real, parse.GetValue(count), parse.GetValue(seed), target);
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
        }

        // A text model: its prompts' adherence, judged by the evaluator and the program's attribute measure.
        int EvaluateText(ParseResult parse, ITextDiffusionModel text, ICollective job, Device target)
        {
            string name = text.Description.Name;
            if (job.Size > 1) throw new CommandLineException($"{name} is conditioned on text: it is evaluated in one process; run it without an MPI launcher.");
            if (parse.GetValue(data) is not null) throw new CommandLineException($"--data: {name} is judged by its prompts (--prompts), not by the Frechet distance.");
            var options = new TextEvaluation.Options(prompts, perPrompt, new SamplingOptions(sampler, steps, eta, guidance, threshold, percentile, seed, precision));
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            var encoder = HostTextEncoder.For(textEncoder, text);
            IImageEvaluator? evaluator = null;
            try
            {
                evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
                string resolved = LoadedModel.Load(text, parse.GetValue(checkpoint)!, target, verify);
                return TextEvaluation.Run(parse, text, encoder, evaluator, source.Attributes, resolved, options, target);
            }
            finally
            {
                HostTextEncoder.Release(encoder);
                (evaluator as IDisposable)?.Dispose();
            }
        }
    }

    private const int FeatureBatch = 500;

    /// <summary>The evaluator's features of <paramref name="images"/> (N, D), in batches.</summary>
    private static Tensor Features(IImageEvaluator evaluator, Tensor images)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += FeatureBatch)
            parts.Add(evaluator.Features(images.narrow(0, start, Math.Min(FeatureBatch, images.shape[0] - start))).cpu());
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The Gaussian of the evaluator's features of at most <paramref name="limit"/> real images, streamed from the folder.</summary>
    private static FeatureGaussian RealFeatures(IImageEvaluator evaluator, string folder, ModelDescription declared, int limit, long seed)
    {
        var images = StreamingImageFolder.Open(folder, ModelData.Options(declared), CacheBytes);
        foreach (var warning in images.Warnings) Console.Error.WriteLine($"warning: {warning}");
        long n = Math.Min(limit, images.Count);
        using var scope = NewDisposeScope();
        // A subset is a seeded random draw, so it holds every class rather than the first folders' only.
        using var picker = new Generator((ulong)seed + 1);
        var picked = (n < images.Count ? randperm(images.Count, generator: picker).narrow(0, 0, n) : arange(n, dtype: ScalarType.Int64)).data<long>().ToArray();
        var parts = new List<Tensor>();
        for (int start = 0; start < picked.Length; start += FeatureBatch)
        {
            var (batch, labels) = images.Batch(picked[start..Math.Min(picked.Length, start + FeatureBatch)]);
            labels?.Dispose();
            parts.Add(evaluator.Features(batch).cpu());
            batch.Dispose();
        }
        return FeatureGaussian.Fit(cat(parts, 0));
    }

    /// <summary>Real images are read once each: a small cache suffices.</summary>
    private const long CacheBytes = 64L << 20;
}
