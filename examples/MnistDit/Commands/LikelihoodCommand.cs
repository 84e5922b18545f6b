using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Likelihood;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>
/// eval: the negative ELBO of held-out digits in bits per dimension with its parts (Ho et al. 2020, Eq. 5), over all T
/// terms or an unbiased estimate from K timesteps per image with its standard error.
/// </summary>
internal static class LikelihoodCommand
{
    public static Command Create()
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A checkpoint, run or release folder.");
        var data = new Option<string>("--data") { Description = "Held-out class folders (0..9) of 28x28 PNG digits.", DefaultValueFactory = _ => "data/mnist/test" };
        var count = CliOptions.Positive("--count", 997, "Images to evaluate: all of them, or a subset drawn by --seed.");
        var timesteps = new Option<int?>("--timesteps") { Description = "K timesteps per image for an unbiased estimate of the sum of the L_t; omit to compute all T terms." };
        timesteps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--timesteps must be at least 1 (or omitted for all T).");
        });
        var conditional = new Option<bool>("--conditional") { Description = "Evaluate -log p(x | y) with the digits' labels instead of -log p(x) with the null label." };
        var batchSize = CliOptions.Positive("--batch-size", 128, "Images per network call.");
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("eval", "Negative ELBO of held-out digits in bits per dimension, with its parts.")
        {
            checkpoint, data, count, timesteps, conditional, batchSize, seed, device, noVerify,
        };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            string dataDir = parse.GetValue(data)!;
            CliOptions.RequireDirectory(dataDir, "--data");
            using var folder = ImageFolder.Load(dataDir, new ImageFolderOptions(MnistDit.InputSize, MnistDit.InputSize, MnistDit.InChannels, ImageFolderLayout.ClassConditional) { Classes = MnistDit.Classes });
            int n = Math.Min(parse.GetValue(count), folder.Count);
            var model = new MnistDiffusion();
            bool verify = !parse.GetValue(noVerify);
            string resolved = RunFolder.Resolve(parse.GetValue(checkpoint)!, verify: verify);
            CliOptions.WarnUnverified(!verify, resolved);
            CheckpointLoader.LoadForSampling(model, resolved, verify: verify);
            model.Network.to(target);
            model.Network.eval();

            var options = new VariationalBoundOptions(parse.GetValue(batchSize), parse.GetValue(timesteps), parse.GetValue(seed), parse.GetValue(conditional));
            // A subset is a seeded random draw, so it holds every digit rather than the first folders' only.
            using var picker = new Generator((ulong)parse.GetValue(seed) + 1);
            using var picked = n < folder.Count ? randperm(folder.Count, generator: picker).narrow(0, 0, n) : arange(n, dtype: ScalarType.Int64);
            using var images = folder.Images.index_select(0, picked);
            using var labels = folder.Labels!.index_select(0, picked);
            Console.WriteLine($"[eval] {resolved}: {n} images from {dataDir}, " +
                              (options.TimestepsPerImage is { } k ? $"{k} timesteps per image (unbiased estimate)" : $"all {model.Schedule.Length} terms") +
                              (options.Conditional ? ", conditional on the labels" : ", unconditional (null label)"));
            var clock = Stopwatch.StartNew();
            var report = VariationalBound.Evaluate(model, images, labels, options,
                (done, total) => Console.WriteLine($"[eval] {done}/{total} images, {clock.Elapsed.TotalSeconds:F0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[eval] negative ELBO {report.BitsPerDimension:F4} +- {report.StandardError:F4} bits/dim (standard error, {report.Images} images x {report.Dimensions} dims)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[eval]   prior L_T {report.Prior:F6}, sum of L_1..L_T-1 {report.Transitions:F4}, decoder L_0 {report.Decoder:F4} bits/dim; {clock.Elapsed.TotalSeconds:F0} s"));
            Console.WriteLine("[eval] data: 8-bit digits on the 256 bin centres of [-1, 1], scored by the discretized Gaussian decoder (no dequantization noise)");
            return 0;
        });
        return command;
    }
}
