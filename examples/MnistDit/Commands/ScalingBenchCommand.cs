using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Diffusion.Cli;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using Examples.Mnist.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>
/// bench-scaling: the data-parallel figures of docs/scaling.md. Run once alone and once under
/// <c>mpiexec.mpich -n 2</c>: each benchmarked model trains with the runtime's Trainer (the same code as train, its
/// all-reduces included) on seeded random images of its size, and rank 0 prints the throughput after the warm-up
/// steps, the share of that time spent in the all-reduces, and, on more than one process, the all-reduce of one
/// step's gradients alone (every rank released together by a barrier, so no waiting for a slower rank is in it).
/// Prints numbers and asserts nothing.
/// </summary>
internal static class ScalingBenchCommand
{
    private const string Tag = "[bench-scaling]";
    private const int ExchangeRepeats = 10;

    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = $"Comma-separated models: {string.Join(", ", BenchTarget.Keys)}.", DefaultValueFactory = _ => "mnist,dit-s2" };
        models.Validators.Add(result =>
        {
            var unknown = Split(result.GetValueOrDefault<string>() ?? "").Where(k => !BenchTarget.Keys.Contains(k)).ToArray();
            if (unknown.Length > 0) result.AddError($"--models: unknown {string.Join(", ", unknown)}; known: {string.Join(", ", BenchTarget.Keys)}.");
        });
        var steps = CliOptions.Positive("--steps", 10, "Timed training steps of each model, after the warm-up.");
        var warmup = CliOptions.Positive("--warmup", 2, "Untimed steps first (allocations, the first all-reduce).");
        var batch = new Option<int?>("--batch-size") { Description = "Global batch of every model, split over the processes (default: each model's own, 64 for mnist, 16 for dit-s2)." };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--batch-size must be at least 1.");
        });
        var threads = CliOptions.Positive("--threads", 1, "libtorch threads per process.");
        var command = new Command("bench-scaling", "Data-parallel training throughput and all-reduce share; run alone and under mpiexec -n N to compare.")
        {
            models, steps, warmup, batch, threads,
        };
        CommandAction.Set(command, parse =>
        {
            var job = JobCollective.Start(Tag);
            return JobCollective.Run(job, () =>
            {
                torch.set_num_threads(parse.GetValue(threads));
                Console.WriteLine($"{Tag} {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {MachineInfo.Cpu()}; load average {MachineInfo.LoadAverages()}");
                Console.WriteLine($"{Tag} {job.Size} process(es) x {parse.GetValue(threads)} thread(s); .NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version!.ToString(3)}");
                foreach (var key in Split(parse.GetValue(models)!))
                {
                    var target = BenchTarget.All.First(t => t.Key == key);
                    Measure(target, job, parse.GetValue(batch) ?? target.Batch, parse.GetValue(warmup), parse.GetValue(steps));
                }
                return 0;
            });
        });
        return command;
    }

    private static void Measure(BenchTarget target, ICollective job, int batch, int warmup, int steps)
    {
        if (batch % job.Size != 0)
            throw new CommandLineException($"--batch-size {batch}: not a multiple of the {job.Size} processes; each takes an equal share of the batch.");
        var model = SeededInitialization.Create(target.Create, seed: 0);
        var description = model.Description;
        var data = RandomImages(description, count: 4 * batch);
        var folder = Directory.CreateTempSubdirectory("bench-scaling-"); // this run's own, removed after
        try
        {
            TimeSpan startElapsed = default, startExchange = default, endElapsed = default, endExchange = default;
            var options = new TrainingOptions
            {
                Steps = warmup + steps,
                BatchSize = batch,
                LearningRate = 1e-4,
                CheckpointEvery = int.MaxValue, // the Trainer writes the last step's only (outside its timing)
                OutputDir = folder.FullName,
                OnProgress = progress =>
                {
                    if (progress.Step == warmup) (startElapsed, startExchange) = (progress.Elapsed, progress.ExchangeTime);
                    if (progress.Step == warmup + steps) (endElapsed, endExchange) = (progress.Elapsed, progress.ExchangeTime);
                },
            };
            new Trainer(model, data, options, job).Run();
            double seconds = (endElapsed - startElapsed).TotalSeconds;
            double exchange = (endExchange - startExchange).TotalSeconds;
            if (job.Rank == 0)
                Console.WriteLine($"{Tag} {target.Key}: {batch * steps / seconds:F2} images/s (global batch {batch}, {steps} steps after {warmup} warm-up, {seconds / steps:F2} s a step)"
                    + (job.Size > 1 ? $"; all-reduces {exchange:F2} s = {100 * exchange / seconds:F1} % of it, waiting for the slowest process included" : ""));
            if (job.Size > 1) MeasureExchange(target, model, job);
        }
        finally
        {
            data.Images.Dispose();
            data.Labels?.Dispose();
            model.Network.Dispose();
            folder.Delete(recursive: true);
        }
    }

    // One step's gradient all-reduce alone, as the Trainer does it (4 MiB buckets, averaged), after a barrier.
    private static void MeasureExchange(BenchTarget target, IDiffusionModel model, ICollective job)
    {
        var parameters = model.Network.parameters().Where(p => p.requires_grad).ToArray();
        var buckets = TensorBuckets.For(parameters);
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => ones_like(p)).ToArray();
        var times = new double[ExchangeRepeats];
        for (int i = 0; i < times.Length; i++)
        {
            job.Barrier();
            var watch = Stopwatch.StartNew();
            buckets.AllReduce(job, gradients, job.Size);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        double megabytes = parameters.Sum(p => p.numel()) * sizeof(float) / 1e6;
        if (job.Rank == 0)
            Console.WriteLine($"{Tag} {target.Key}: one step's gradients ({megabytes:F1} MB in {buckets.Count} buckets) all-reduced in {times[times.Length / 2]:F1} ms "
                + $"(median of {ExchangeRepeats}, after a barrier; min {times[0]:F1}, max {times[^1]:F1})");
    }

    // Seeded uniform images in [-1, 1] and labels: throughput does not depend on what the pixels show.
    private static TrainingData RandomImages(ModelDescription description, int count)
    {
        using var generator = new Generator(1234);
        var images = rand([count, description.Channels, description.ImageSize, description.ImageSize], generator: generator).mul_(2).sub_(1);
        var labels = description.Classes is { } classes ? randint(classes, [count], generator: generator) : null;
        return new TrainingData(images, labels);
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
