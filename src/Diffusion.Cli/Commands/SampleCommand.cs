using System;
using System.Collections.Generic;
using System.CommandLine;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>sample: a PNG grid (row i holds class i, or unconditional samples) and optionally a denoising strip, from a checkpoint's EMA weights.</summary>
internal static class SampleCommand
{
    public static Command Create(ModelCatalog catalog, Func<ITextEncoder>? textEncoder = null)
    {
        var checkpoint = CliOptions.Checkpoints();
        var stages = new Option<bool>("--stages") { Description = "For a cascade: also write each lower stage's grid beside --out (OUT.stage0.png, ...)." };
        var level = CliOptions.AugmentationLevel();
        var output = CliOptions.RequiredPath("--out", "The PNG grid to write.");
        var strip = new Option<string?>("--strip") { Description = "Also write one sample's denoising, from noise to image, as a PNG strip." };
        var count = SampleGrid.CountOption("--count", "Number of samples: for a class-conditional model a multiple of its classes, row i of the grid holding count / classes samples of class i (default 10 per class); else 64 by default.");
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps S (1..T): S of the T training steps, as --spacing chooses them.");
        var eta = CliOptions.NonNegative("--eta", 0.0, "DDIM's eta: 0 deterministic, 1 as stochastic as DDPM.");
        var guidance = CliOptions.Guidance();
        var threshold = CliOptions.Threshold();
        var spacing = CliOptions.Spacing();
        var percentile = CliOptions.Percentile();
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var precision = CliOptions.Precision();
        var model = ModelOption.Sampleable(catalog, "Which diffusion model or cascade; the checkpoint must be of it");
        var prompt = TextSample.PromptOption();
        var prompts = TextSample.PromptsFileOption();
        var perPrompt = TextSample.PerPromptOption();
        var command = new Command("sample", "Sample a grid of images from a checkpoint.")
        {
            model.Option, checkpoint, output, strip, count, sampler, steps, spacing, eta, guidance, threshold, percentile, seed, device, stages, level,
            precision,
        };
        if (textEncoder is not null)
        {
            command.Add(prompt);
            command.Add(prompts);
        }
        command.Add(perPrompt);    // prompts' samples, or an unCLIP decoder's variations of an image
        var unclip = UnclipSample.Options.Create();
        unclip.AddTo(command);
        var guide = GuideOptions.AddTo(command, catalog);
        var force = CliOptions.Force();
        var noVerify = CliOptions.NoVerify();
        command.Add(force);
        command.Add(noVerify);
        var sampling = new SamplingOptions(sampler, steps, eta, guidance, threshold, percentile, seed, precision, spacing);
        CommandAction.Set(command, parse =>
        {
            // Under an MPI launcher each process samples its share of every batch and rank 0 writes the files.
            using var job = JobCollective.Start("[sample]");
            return JobCollective.Run(job, () => Sample(parse, job));
        });
        return command;

        int Sample(ParseResult parse, ICollective job)
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            var entry = model.Resolve(parse);
            if (entry.Kind == ModelKind.Cascade && job.Size > 1)
                throw new CommandLineException($"{entry.Name} is a cascade: it samples in one process; run it without an MPI launcher.");
            if (entry.Kind == ModelKind.Cascade)
            {
                if (parse.GetValue(strip) is not null) throw new CommandLineException("--strip: a cascade writes its stages' grids (--stages), not a denoising strip.");
                if (guide is not null && parse.GetValue(guide.Path) is not null) throw new CommandLineException("--classifier: a cascade samples with classifier-free guidance only.");
                return CascadeSample.Run(parse, entry, catalog, new CascadeSample.Options(checkpoint, output, count, force, noVerify, stages, level,
                    sampling, new TextSample.Options(output, prompt, prompts, perPrompt, force, sampling), unclip, textEncoder), target);
            }
            if (parse.GetValue(stages) || parse.GetValue(level) is not null)
                throw new CommandLineException($"--stages and --augmentation-level are for a cascade; {entry.Name} is one diffusion model.");
            string checkpointPath = CliOptions.SingleCheckpoint(parse, checkpoint, entry.Name);
            var diffusion = LoadedModel.Diffusion(entry);
            if (diffusion is ITextDiffusionModel text)
                return SampleText(parse, text, checkpointPath, job);
            unclip.RefuseFor(parse, entry.Name, "is not conditioned on embeddings");
            if (textEncoder is not null && (parse.GetValue(prompt) is { Length: > 0 } || parse.GetValue(prompts) is not null))
                throw new CommandLineException($"--prompt and --prompts are for a text-conditioned model; {entry.Name} is not one.");
            var noisy = guide?.Create(parse);
            if (noisy is not null && diffusion is ILatentDiffusionModel)
                throw new CommandLineException($"--classifier: {diffusion.Description.Name} samples latents; classifier guidance would need a classifier of noisy latents, which is not supported yet.");
            int? classes = diffusion.Description.Classes ?? noisy?.Classes;
            int total = SampleGrid.Count(parse.GetValue(count), classes, "--count");
            if (parse.GetValue(steps) > diffusion.Schedule.Length) throw new CommandLineException($"--steps must be at most {diffusion.Schedule.Length} (the training timesteps).");
            var kind = CliOptions.ChooseSampler(parse.GetValue(sampler), diffusion);
            var visited = CliOptions.ChooseSpacing(parse, spacing, kind);
            double weight = CliOptions.ChooseGuidance(parse.GetValue(guidance), diffusion);
            string? classifierPath = noisy is null ? null : parse.GetValue(guide!.Path);
            CliOptions.WarnAboutSampling(parse.GetValue(eta), weight, noisy is null ? null : parse.GetValue(guide!.Scale));
            bool verify = !parse.GetValue(noVerify);
            string resolved = LoadedModel.Load(diffusion, checkpointPath, target, verify);
            var classifier = noisy is null ? null : NoisyClassifierFile.Load(noisy, classifierPath!, parse.GetValue(guide!.Scale), target, verify);
            // Outputs are checked before the minutes of sampling, never replacing an input or a file this command did not write.
            string[] inputs = CliOptions.Inputs(checkpointPath, resolved, classifierPath);
            string gridPath = CliOptions.PngOutput(parse.GetValue(output)!, "--out", parse.GetValue(force), inputs);
            string? stripPath = parse.GetValue(strip) is { } stripOption ? CliOptions.PngOutput(stripOption, "--strip", parse.GetValue(force), inputs) : null;
            if (stripPath == gridPath) throw new CommandLineException($"--strip and --out are the same file ({gridPath}); give two paths.");
            var thresholding = CliOptions.ChooseThreshold(parse, threshold, diffusion);
            Console.WriteLine($"[sample] {resolved}: {kind} with {parse.GetValue(steps)} steps{CliOptions.SpacingText(visited)}, eta {parse.GetValue(eta)}, guidance {weight}, {thresholding} thresholding{(classifier is null ? "" : $", classifier guidance s = {classifier.Scale}")}");

            var snapshots = stripPath is null ? null : new List<Tensor>();
            var started = DateTime.UtcNow;
            using var images = SampleGrid.Sample(diffusion, kind, classes, total, parse.GetValue(steps),
                parse.GetValue(eta), weight, parse.GetValue(seed), target, thresholding, parse.GetValue(percentile), strip: snapshots, classifier: classifier,
                job: job, precision: CliOptions.ToPrecision(parse.GetValue(precision)), spacing: visited);
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            if (job.Rank != 0) return 0;
            int size = diffusion.Description.ImageSize;
            ImageGrid.Write(images, gridPath, rows: SampleGrid.Rows(classes, total), upscale: SampleGrid.Upscale(size, SampleGrid.CellPixels));
            Console.WriteLine($"[sample] wrote {gridPath} ({images.shape[0]} images in {seconds:F1} s, {images.shape[0] / seconds:F1} images/s)");
            if (snapshots is not null)
            {
                // A latent model's frames are latents: each is decoded for the strip (the samples were decoded once).
                if (diffusion is ILatentDiffusionModel latent) snapshots = DecodedFrames(latent, snapshots, target);
                DenoisingStrip.Write(snapshots, stripPath!, upscale: SampleGrid.Upscale(size, StripPixels));
                Console.WriteLine($"[sample] wrote {stripPath} ({snapshots.Count} frames)");
                foreach (var s in snapshots) s.Dispose();
            }
            return 0;
        }

        // A text model: a grid of the prompts, encoded by the host's frozen text encoder.
        int SampleText(ParseResult parse, ITextDiffusionModel text, string checkpointPath, ICollective job)
        {
            string name = text.Description.Name;
            if (job.Size > 1) throw new CommandLineException($"{name} is conditioned on text: it samples in one process; run it without an MPI launcher.");
            if (parse.GetValue(strip) is not null) throw new CommandLineException($"--strip: {name} writes the prompts' grid only.");
            if (parse.GetValue(count) is not null) throw new CommandLineException($"--count: {name} samples --per-prompt images of each prompt.");
            if (guide is not null && parse.GetValue(guide.Path) is not null) throw new CommandLineException($"--classifier: {name} is guided over text, not by a classifier.");
            var options = new TextSample.Options(output, prompt, prompts, perPrompt, force, sampling);
            if (unclip.Asked(parse) || parse.GetValue(unclip.ImageEncoder) is not null)
                return UnclipSample.Run(parse, catalog, text, checkpointPath, textEncoder, options, unclip, CliOptions.ToDevice(parse.GetValue(device)!), !parse.GetValue(noVerify));
            var texts = TextSample.Prompts(parse, options);
            var encoder = HostTextEncoder.For(textEncoder, text);
            try
            {
                var target = CliOptions.ToDevice(parse.GetValue(device)!);
                string resolved = LoadedModel.Load(text, checkpointPath, target, !parse.GetValue(noVerify));
                return TextSample.Run(parse, text, texts, encoder, resolved, CliOptions.Inputs(checkpointPath, resolved), options, target);
            }
            finally
            {
                HostTextEncoder.Release(encoder);
            }
        }
    }

    /// <summary>The images of latent frames (c, h, w), each decoded on <paramref name="device"/>; the latents are disposed.</summary>
    private static List<Tensor> DecodedFrames(ILatentDiffusionModel model, List<Tensor> frames, Device device)
    {
        using var noGrad = no_grad();
        var images = new List<Tensor>();
        foreach (var frame in frames)
        {
            using var scope = NewDisposeScope();
            images.Add(model.DecodeLatents(frame.unsqueeze(0).to(device))[0].cpu().DetachFromDisposeScope());
            frame.Dispose();
        }
        return images;
    }

    /// <summary>About how many pixels a strip frame takes: 28 px digits show at 3x.</summary>
    private const int StripPixels = 96;
}
