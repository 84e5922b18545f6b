using System;
using System.Collections.Generic;
using System.CommandLine;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>sample: a PNG grid (row i holds digit i) and optionally a denoising strip, from a checkpoint's EMA weights.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A checkpoint folder, a run folder (its latest checkpoint) or a release folder.");
        var output = CliOptions.RequiredPath("--out", "The PNG grid to write.");
        var strip = new Option<string?>("--strip") { Description = "Also write one sample's denoising, from noise to digit, as a PNG strip." };
        var count = CliOptions.Positive("--count", 100, "Number of samples, a multiple of 10: row i of the grid holds count / 10 samples of digit i.", maximum: 10_000);
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps on an evenly respaced subsequence of the 1000 training steps (1..1000).");
        var eta = CliOptions.NonNegative("--eta", 0.0, "DDIM's eta: 0 deterministic, 1 as stochastic as DDPM.");
        var guidance = CliOptions.NonNegative("--guidance", MnistDiffusion.DefaultGuidanceScale, "Classifier-free guidance weight w (1 = none).");
        var threshold = CliOptions.Threshold();
        var percentile = CliOptions.Percentile();
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var model = ExampleModels.DiffusionOption();
        var classifier = new Option<string?>("--classifier") { Description = "A noisy-classifier checkpoint (train --model noisy-classifier): guide each row toward its digit (Dhariwal and Nichol 2021). Use --guidance 0 to guide the unconditional model." };
        var classifierScale = CliOptions.NonNegative("--classifier-scale", 1.0, "Classifier guidance scale s (with --classifier).");
        var force = CliOptions.Force();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("sample", "Sample digits from a checkpoint.") { model, checkpoint, output, strip, count, sampler, steps, eta, guidance, threshold, percentile, seed, device, classifier, classifierScale, force, noVerify };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            if (parse.GetValue(count) % ClassGrid.Digits != 0) throw new CommandLineException($"--count {parse.GetValue(count)} must be a multiple of {ClassGrid.Digits}: one row per digit.");
            if (parse.GetValue(steps) > MnistSchedule.Timesteps) throw new CommandLineException($"--steps must be at most {MnistSchedule.Timesteps} (the training timesteps).");
            CliOptions.WarnAboutSampling(parse.GetValue(eta), parse.GetValue(guidance), parse.GetValue(classifier) is null ? null : parse.GetValue(classifierScale));
            var diffusion = ExampleModels.CreateDiffusion(parse.GetValue(model)!);
            bool verify = !parse.GetValue(noVerify);
            string resolved = RunFolder.Resolve(parse.GetValue(checkpoint)!, verify: verify);
            CliOptions.WarnUnverified(!verify, resolved);
            CheckpointLoader.LoadForSampling(diffusion, resolved, verify: verify);
            diffusion.Network.to(target);
            diffusion.Network.eval();
            var guide = NoisyClassifierFile.Load(parse.GetValue(classifier), parse.GetValue(classifierScale), target, verify);
            // Outputs are checked before the minutes of sampling, never replacing an input or a file this command did not write.
            string[] inputs = CliOptions.Inputs(parse.GetValue(checkpoint), resolved, parse.GetValue(classifier));
            string gridPath = CliOptions.PngOutput(parse.GetValue(output)!, "--out", parse.GetValue(force), inputs);
            string? stripPath = parse.GetValue(strip) is { } stripOption ? CliOptions.PngOutput(stripOption, "--strip", parse.GetValue(force), inputs) : null;
            if (stripPath == gridPath) throw new CommandLineException($"--strip and --out are the same file ({gridPath}); give two paths.");
            Console.WriteLine($"[sample] {resolved}: {parse.GetValue(sampler)} with {parse.GetValue(steps)} steps, eta {parse.GetValue(eta)}, guidance {parse.GetValue(guidance)}, {parse.GetValue(threshold)} thresholding{(guide is null ? "" : $", classifier guidance s = {guide.Scale}")}");

            var snapshots = stripPath is null ? null : new List<Tensor>();
            var started = DateTime.UtcNow;
            using var images = ClassGrid.Sample(diffusion, parse.GetValue(sampler), parse.GetValue(count) / ClassGrid.Digits, parse.GetValue(steps),
                parse.GetValue(eta), parse.GetValue(guidance), parse.GetValue(seed), target, parse.GetValue(threshold), parse.GetValue(percentile), strip: snapshots, classifier: guide);
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            ImageGrid.Write(images, gridPath, rows: ClassGrid.Digits, upscale: 2);
            Console.WriteLine($"[sample] wrote {gridPath} ({images.shape[0]} digits in {seconds:F1} s, {images.shape[0] / seconds:F1} images/s)");
            if (snapshots is not null)
            {
                DenoisingStrip.Write(snapshots, stripPath!, upscale: 3);
                Console.WriteLine($"[sample] wrote {stripPath} ({snapshots.Count} frames)");
                foreach (var s in snapshots) s.Dispose();
            }
            return 0;
        });
        return command;
    }
}
