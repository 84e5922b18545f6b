using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Likelihood;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// eval: the negative ELBO of held-out images in bits per dimension with its parts (Ho et al. 2020, Eq. 5), over all T
/// terms or an unbiased estimate from K timesteps per image with its standard error.
/// </summary>
internal static class LikelihoodCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "A checkpoint, run or release folder.");
        var data = CliOptions.RequiredPath("--data", "Held-out images laid out as for train (class subfolders for a class-conditional model, else one flat folder).");
        var count = new Option<int?>("--count") { Description = "Images to evaluate: all of them (default), or a subset of this many drawn by --seed." };
        count.Validators.Add(result =>
        {
            if (CliOptions.Parsed(result, out int? value) && value is < 1) result.AddError("--count must be at least 1.");
        });
        var timesteps = new Option<int?>("--timesteps") { Description = "K timesteps per image for an unbiased estimate of the sum of the L_t; omit to compute all T terms." };
        timesteps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--timesteps must be at least 1 (or omitted for all T).");
        });
        var conditional = new Option<bool>("--conditional") { Description = "Evaluate -log p(x | y) with the images' labels instead of -log p(x) with the null label." };
        var batchSize = CliOptions.Positive("--batch-size", 128, "Images per network call.");
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var noVerify = CliOptions.NoVerify();
        var model = ModelOption.Diffusion(catalog, "Which diffusion model; the checkpoint must be of it");
        var command = new Command("eval", "Negative ELBO of held-out images in bits per dimension, with its parts.")
        {
            model.Option, checkpoint, data, count, timesteps, conditional, batchSize, seed, device, noVerify,
        };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            string dataDir = parse.GetValue(data)!;
            CliOptions.RequireDirectory(dataDir, "--data");
            var diffusion = LoadedModel.Diffusion(model.Resolve(parse));
            if (diffusion is ILatentDiffusionModel)
                throw new CommandLineException($"--model: {diffusion.Description.Name} diffuses on latents; its bound would be of latents, not of images' pixels, and is not computed.");
            var declared = diffusion.Description;
            if (parse.GetValue(conditional) && declared.Classes is null)
                throw new CommandLineException($"--conditional: {declared.Name} is unconditional; it has no p(x | y).");
            ModelData.RequireLayout(dataDir, "--data", declared);
            // Held-out sets are small: the folder is decoded into memory.
            using var folder = ImageFolder.Load(dataDir, ModelData.Options(declared));
            int n = Math.Min(parse.GetValue(count) ?? folder.Count, folder.Count);
            bool verify = !parse.GetValue(noVerify);
            string resolved = LoadedModel.Load(diffusion, parse.GetValue(checkpoint)!, target, verify);

            var options = new VariationalBoundOptions(parse.GetValue(batchSize), parse.GetValue(timesteps), parse.GetValue(seed), parse.GetValue(conditional));
            // A subset is a seeded random draw, so it holds every digit rather than the first folders' only.
            using var picker = new Generator((ulong)parse.GetValue(seed) + 1);
            using var picked = n < folder.Count ? randperm(folder.Count, generator: picker).narrow(0, 0, n) : arange(n, dtype: ScalarType.Int64);
            using var images = folder.Images.index_select(0, picked);
            using var labels = folder.Labels?.index_select(0, picked);
            Console.WriteLine($"[eval] {resolved}: {n} images from {dataDir}, " +
                              (options.TimestepsPerImage is { } k ? $"{k} timesteps per image (unbiased estimate)" : $"all {diffusion.Schedule.Length} terms") +
                              (options.Conditional ? ", conditional on the labels" : declared.Classes is null ? "" : ", unconditional (null label)"));
            var clock = Stopwatch.StartNew();
            var report = VariationalBound.Evaluate(diffusion, images, labels, options,
                (done, total) => Console.WriteLine($"[eval] {done}/{total} images, {clock.Elapsed.TotalSeconds:F0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[eval] negative ELBO {report.BitsPerDimension:F4} +- {report.StandardError:F4} bits/dim (standard error, {report.Images} images x {report.Dimensions} dims)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[eval]   prior L_T {report.Prior:F6}, sum of L_1..L_T-1 {report.Transitions:F4}, decoder L_0 {report.Decoder:F4} bits/dim; {clock.Elapsed.TotalSeconds:F0} s"));
            Console.WriteLine("[eval] data: 8-bit images on the 256 bin centres of [-1, 1], scored by the discretized Gaussian decoder (no dequantization noise)");
            return 0;
        });
        return command;
    }
}
