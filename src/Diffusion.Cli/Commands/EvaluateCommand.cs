using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Cli.Training;
using Diffusion.Dsl;
using Diffusion.Runtime.Cascades;
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
/// generated images (Heusel et al. 2017); for a cascade, the same of its last stage's images; for an autoencoder, its
/// reconstructions of --data (<see cref="AutoencoderEvaluation"/>).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(ModelCatalog catalog, EvaluatorSource source, Func<ITextEncoder>? textEncoder = null)
    {
        var checkpoint = CliOptions.Checkpoints();
        var level = CliOptions.AugmentationLevel();
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
        var spacing = CliOptions.Spacing();
        var percentile = CliOptions.Percentile();
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var precision = CliOptions.Precision();
        var model = ModelOption.Scoreable(catalog, "Which diffusion model, cascade or autoencoder; the checkpoint must be of it");
        var noVerify = CliOptions.NoVerify();
        var command = new Command("evaluate", "Score a checkpoint's samples with the evaluator: the share classified as their class, and the Frechet distance to real images.")
        {
            model.Option, checkpoint, evaluatorPath, perClass, count, data, realCount, heldOut, sampler, steps, spacing, eta, guidance, threshold, percentile, seed, device, noVerify,
            precision, level,
        };
        var prompts = new Option<string?>("--prompts") { Description = "For a text-conditioned model: the prompts to judge it by, lines 'class<TAB>attribute<TAB>prompt' (attribute - for none)." };
        var perPrompt = CliOptions.Positive("--per-prompt", 20, "For a text-conditioned model: samples per prompt, at the same seeds for every prompt.", maximum: 250);
        var prior = new Option<string?>("--prior") { Description = "For an unCLIP decoder: the prior's checkpoint, run or release folder; the prompts go through it." };
        if (textEncoder is not null)
        {
            command.Add(prompts);
            command.Add(perPrompt);
            command.Add(prior);
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
            if (entry.Kind is not (ModelKind.Diffusion or ModelKind.Cascade)) RefusePrior(parse, entry.Name);    // a cascade checks its base
            if (entry.Kind == ModelKind.Autoencoder) return EvaluateAutoencoder(parse, entry, job, target);
            if (entry.Kind == ModelKind.Cascade) return EvaluateCascade(parse, entry, job, target);
            if (parse.GetValue(level) is not null)
                throw new CommandLineException($"--augmentation-level: {entry.Name} is not a cascade; the level is for its super-resolution stages.");
            var diffusion = LoadedModel.Diffusion(entry);
            if (diffusion is ITextDiffusionModel text) return EvaluateText(parse, text, job, target);
            RefusePrior(parse, entry.Name);
            if (textEncoder is not null && parse.GetValue(prompts) is not null)
                throw new CommandLineException($"--prompts: {diffusion.Description.Name} is not conditioned on text.");
            var declared = diffusion.Description;
            var (real, unseen) = RealFolders(parse, declared);
            var kind = CliOptions.ChooseSampler(parse.GetValue(sampler), diffusion);
            var visited = CliOptions.ChooseSpacing(parse, spacing, kind);
            double weight = CliOptions.ChooseGuidance(parse.GetValue(guidance), diffusion);
            CliOptions.WarnAboutSampling(parse.GetValue(eta), weight);
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                string resolved = LoadedModel.Load(diffusion, CliOptions.SingleCheckpoint(parse, checkpoint, entry.Name), target, verify);
                int? classes = declared.Classes;
                int total = classes is { } k ? k * parse.GetValue(perClass) : parse.GetValue(count);
                var clock = Stopwatch.StartNew();
                using var samples = SampleGrid.Sample(diffusion, kind, classes, total, parse.GetValue(steps), parse.GetValue(eta),
                    weight, parse.GetValue(seed), target, CliOptions.ChooseThreshold(parse, threshold, diffusion), parse.GetValue(percentile), job: job,
                    precision: CliOptions.ToPrecision(parse.GetValue(precision)), spacing: visited);
                double seconds = clock.Elapsed.TotalSeconds;
                if (job.Rank != 0) return 0;
                using var clamped = samples.clamp(-1, 1);
                string settings = $"({kind}, {parse.GetValue(steps)} steps{CliOptions.SpacingText(visited)}, eta {parse.GetValue(eta)}, guidance {weight}, {CliOptions.ChooseThreshold(parse, threshold, diffusion)} thresholding, seed {parse.GetValue(seed)})";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[evaluate] sampled {samples.shape[0]} images in {seconds:F1} s: {samples.shape[0] / seconds:F2} images/s {settings}"));
                Score(evaluator, clamped, classes is null ? null : parse.GetValue(perClass), resolved, settings,
                    real, unseen, declared, parse.GetValue(realCount), parse.GetValue(seed));
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
            return 0;
        }

        void RefusePrior(ParseResult parse, string name)
        {
            if (textEncoder is not null && parse.GetValue(prior) is not null)
                throw new CommandLineException($"--prior is for an unCLIP decoder; {name} is not conditioned on embeddings.");
        }

        // --data and --held-out, checked against the layout of the model whose images are scored.
        (string? Real, string? Unseen) RealFolders(ParseResult parse, ModelDescription declared)
        {
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
            return (real, unseen);
        }

        // A cascade: the whole chain sampled in batches, its last stage's images scored as a diffusion model's are.
        int EvaluateCascade(ParseResult parse, ModelEntry entry, ICollective job, Device target)
        {
            var cascade = entry.CascadeFactory?.Invoke() ?? throw new InvalidOperationException($"{entry.Name}'s entry builds no cascade.");
            if (job.Size > 1) throw new CommandLineException($"{entry.Name} is a cascade: it is evaluated in one process; run it without an MPI launcher.");
            if (cascade is ITextCascadeModel fromText) return EvaluateTextCascade(parse, entry, fromText, target);
            if (parse.GetValue(prior) is not null)
                throw new CommandLineException($"--prior is for an unCLIP decoder; {entry.Name} is a cascade whose base is not conditioned on embeddings.");
            if (textEncoder is not null && parse.GetValue(prompts) is not null) throw new CommandLineException($"--prompts: {entry.Name} is not conditioned on text.");
            var first = cascade.Stages[0];
            var last = cascade.Stages[^1].Description;
            var (real, unseen) = RealFolders(parse, last);
            var options = new SamplingOptions(sampler, steps, eta, guidance, threshold, percentile, seed, precision, spacing);
            var (kind, weight, thresholding) = options.Choose(parse, first);
            double? augmentation = parse.GetValue(level);
            CascadeSample.CheckSampling(cascade, kind, parse.GetValue(steps), augmentation);
            CliOptions.WarnAboutSampling(parse.GetValue(eta), weight);
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                var (_, resolved) = CascadeSample.LoadStages(parse.GetValue(checkpoint)!, cascade, catalog, entry.Name, target, verify, "[evaluate]");
                int? classes = first.Description.Classes;
                int total = classes is { } k ? k * parse.GetValue(perClass) : parse.GetValue(count);
                var clock = Stopwatch.StartNew();
                using var samples = SampleCascade(cascade, options, parse, classes, total, kind, weight, thresholding, augmentation, target);
                double seconds = clock.Elapsed.TotalSeconds;
                using var clamped = samples.clamp(-1, 1);
                string settings = $"({kind}, {parse.GetValue(steps)} steps per stage{CliOptions.SpacingText(parse.GetValue(spacing))}, eta {parse.GetValue(eta)}, guidance {weight}, {thresholding} thresholding, "
                    + $"augmentation level {CascadeSample.LevelText(augmentation)}, seed {parse.GetValue(seed)})";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[evaluate] sampled {total} images through {cascade.Stages.Count} stages in {seconds:F1} s: {total / seconds:F2} images/s {settings}"));
                Score(evaluator, clamped, classes is null ? null : parse.GetValue(perClass), string.Join(" + ", resolved), settings,
                    real, unseen, last, parse.GetValue(realCount), parse.GetValue(seed));
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
            return 0;
        }

        // A cascade from text: its prompts' adherence as a text model's, judged on the last stage's images; with --prior, its
        // base is an unCLIP decoder and the prompts go through the prior first.
        int EvaluateTextCascade(ParseResult parse, ModelEntry entry, ITextCascadeModel cascade, Device target)
        {
            var first = (ITextDiffusionModel)cascade.Stages[0];
            if (parse.GetValue(data) is not null) throw new CommandLineException($"--data: {entry.Name} is judged by its prompts (--prompts), not by the Frechet distance.");
            var options = new TextEvaluation.Options(prompts, perPrompt, new SamplingOptions(sampler, steps, eta, guidance, threshold, percentile, seed, precision, spacing));
            var (kind, _, _) = options.Sampling.Choose(parse, first);
            double? augmentation = parse.GetValue(level);
            CascadeSample.CheckSampling(cascade, kind, parse.GetValue(steps), augmentation);
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            using var conditioning = PromptConditioning.Open(catalog, parse.GetValue(prior), first, textEncoder, parse.GetValue(steps), target, verify);
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                var (_, resolved) = CascadeSample.LoadStages(parse.GetValue(checkpoint)!, cascade, catalog, entry.Name, target, verify, "[evaluate]");
                if (conditioning.Settings is { } settings) Console.WriteLine($"[evaluate] {settings}");
                Console.WriteLine($"[evaluate] {entry.Name}: {cascade.Stages.Count} stages, the upsamplers unguided at augmentation level {CascadeSample.LevelText(augmentation)}");
                return TextEvaluation.Run(parse, first, conditioning.Source, evaluator, source.Attributes, string.Join(" + ", resolved), options, target,
                    conditioning.OfPrompts, (text, kind, request, generator) => cascade.SampleText(text, kind, request, generator, augmentation));
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
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
                string resolved = LoadedModel.Load(autoencoder, CliOptions.SingleCheckpoint(parse, checkpoint, entry.Name), target, verify);
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
            var options = new TextEvaluation.Options(prompts, perPrompt, new SamplingOptions(sampler, steps, eta, guidance, threshold, percentile, seed, precision, spacing));
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluatorPath)!);
            string checkpointPath = CliOptions.SingleCheckpoint(parse, checkpoint, name);
            if (text is IDiffusionPrior) throw new CommandLineException($"{name} is an unCLIP prior: it makes image embeddings; evaluate its decoder with --prior {checkpointPath}.");
            if (parse.GetValue(prior) is { } priorPath) return EvaluateThroughPrior(parse, text, checkpointPath, priorPath, options, target, verify);
            var encoder = HostTextEncoder.For(textEncoder, text);
            IImageEvaluator? evaluator = null;
            try
            {
                evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
                string resolved = LoadedModel.Load(text, checkpointPath, target, verify);
                return TextEvaluation.Run(parse, text, encoder, evaluator, source.Attributes, resolved, options, target);
            }
            finally
            {
                HostTextEncoder.Release(encoder);
                (evaluator as IDisposable)?.Dispose();
            }
        }

        // An unCLIP decoder: each prompt through the prior (Ramesh et al. 2022, Sec. 2.1), then the decoder.
        int EvaluateThroughPrior(ParseResult parse, ITextDiffusionModel decoder, string checkpointPath, string priorPath, TextEvaluation.Options options,
            Device target, bool verify)
        {
            using var conditioning = PriorConditioning.Open(catalog, priorPath, decoder, textEncoder, parse.GetValue(steps), target, verify);
            Console.WriteLine($"[evaluate] prior {conditioning.Resolved}: {conditioning.Settings}");
            var evaluator = source.Load(parse.GetValue(evaluatorPath)!, verify);
            try
            {
                string resolved = LoadedModel.Load(decoder, checkpointPath, target, verify);
                return TextEvaluation.Run(parse, decoder, conditioning.Source, evaluator, source.Attributes, resolved, options, target, conditioning.Condition);
            }
            finally
            {
                (evaluator as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>
    /// Prints the share of <paramref name="clamped"/> classified as intended (rows of <paramref name="perClass"/> per class, in
    /// class order) and, with <paramref name="real"/>, the Frechet distance of their features to the real images' and,
    /// with <paramref name="unseen"/>, the held-out images' distance as its floor.
    /// </summary>
    private static void Score(IImageEvaluator evaluator, Tensor clamped, int? perClass, string resolved, string settings,
        string? real, string? unseen, ModelDescription declared, int realCount, long seed)
    {
        if (perClass is { } each)
        {
            using var intended = arange(clamped.shape[0] / each, dtype: ScalarType.Int64).repeat_interleave(each);
            double share = SampleQuality.ShareMatchingLabel(evaluator, clamped, intended);
            Console.WriteLine($"[evaluate] {resolved}: {share:P1} of {clamped.shape[0]} samples classified as their intended class {settings}");
        }
        if (real is not null)
        {
            using var sampleFeatures = Features(evaluator, clamped);
            using var generated = FeatureGaussian.Fit(sampleFeatures);
            using var reference = RealFeatures(evaluator, real, declared, realCount, seed);
            double distance = FrechetDistance.Between(reference, generated);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[evaluate] {resolved}: Frechet distance {distance:F4} between the evaluator's features of {reference.Count} real images ({real}) and {generated.Count} samples {settings}"));
            if (unseen is not null)
            {
                // The same statistic between two real sets of about the sample count: what sampling noise alone leaves.
                using var heldOutFeatures = RealFeatures(evaluator, unseen, declared, (int)generated.Count, seed);
                double floor = FrechetDistance.Between(reference, heldOutFeatures);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[evaluate] floor: Frechet distance {floor:F4} between the same {reference.Count} real images and {heldOutFeatures.Count} held-out real images ({unseen})"));
            }
        }
    }

    /// <summary>A cascade's final images for <paramref name="total"/> labels in class order, sampled in batches from one seeded generator.</summary>
    private static Tensor SampleCascade(ICascadeModel cascade, SamplingOptions options, ParseResult parse, int? classes,
        int total, SamplerKind kind, double weight, Thresholding thresholding, double? level, Device target)
    {
        const int batchSize = 250;
        using var scope = NewDisposeScope();
        var labels = classes is { } k ? arange(k, dtype: ScalarType.Int64).repeat_interleave(total / k) : null;
        using var generator = options.Generator(parse, target);
        var parts = new List<Tensor>();
        for (int start = 0; start < total; start += batchSize)
        {
            using var batch = NewDisposeScope();
            int size = Math.Min(batchSize, total - start);
            var request = options.Request(parse, kind, size, labels?.narrow(0, start, size).to(target), weight, thresholding);
            parts.Add(cascade.SampleStages(kind, request, generator, level)[^1].cpu().MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
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
