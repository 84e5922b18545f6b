using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Cli;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// One model timed on both sides: the forward check, then repeats that alternate the sides phase by phase (ours first
/// on even repeats, PyTorch first on odd ones, so drift in the machine's load falls on both alike), then the
/// resident-memory runs. Prints as it goes; returns nothing, asserts nothing beyond the forward check.
/// </summary>
internal static class Comparison
{
    private const double LearningRate = 1e-4;
    private const double WeightDecay = 0;
    private const int SamplingWarmupSteps = 2;
    private const long Seed = 0;

    public static void Run(BenchTarget target, BenchOptions options)
    {
        var device = CliOptions.ToDevice(options.Device);
        torch.manual_seed(Seed);
        IDiffusionModel model = target.Create();
        try
        {
            ForwardAgreement.Perturb(model.Network, Seed + 1);
            model.Network.to(device);
            RunLoaded(target, model, device, options);
        }
        finally
        {
            model.Network.Dispose();
        }
    }

    private static void RunLoaded(BenchTarget target, IDiffusionModel model, Device device, BenchOptions options)
    {
        int batch = options.Batch ?? target.Batch, steps = options.TrainSteps ?? target.TrainSteps, count = options.Samples ?? target.Samples;
        int rssTrainSteps = options.RssSteps ?? target.RssTrainSteps, rssSamplingSteps = Math.Min(options.RssSteps ?? target.RssSamplingSteps, model.Description.Timesteps);
        // FLOPs are counted from a DiT's declaration; for the U-Net only throughput and memory are reported.
        DitFlops? flops = model.Description.Network.ContainsKey("patch_size") ? DitFlops.From(model.Description) : null;
        long parameters = model.Network.parameters().Sum(p => p.numel());

        Console.WriteLine();
        Console.WriteLine($"== {target.Title}; {parameters:N0} parameters; float32, {torch.get_num_threads()} threads, {options.Device}");
        if (flops is not null)
            Console.WriteLine($"   FLOPs per image (matrix products, from the declaration): forward {flops.ForwardPerImage / 1e9:F3} GFLOP = "
                              + string.Join(" + ", flops.ForwardParts().Select(p => $"{p.Part} {p.Flops / 1e9:F3}")) + $"; training step ~3x forward = {flops.TrainingStepPerImage / 1e9:F3} GFLOP");

        using var ours = new TorchSharpSide(model, device, LearningRate, WeightDecay, options.Precision);
        if (options.Precision != Diffusion.Runtime.Networks.MatmulPrecision.Float32)
        {
            // Both rates in this one process, so their ratio is the processor's and not the load's.
            Console.WriteLine($"   matmul {options.MatmulSize}^3 in this process: float32 {ours.MatmulGflops(options.MatmulSize, options.MatmulRepeats, ScalarType.Float32):F1} GFLOP/s, "
                              + $"bfloat16 {ours.MatmulGflops(options.MatmulSize, options.MatmulRepeats, ScalarType.BFloat16):F1} GFLOP/s; our sampling in {options.Precision}, training float32");
        }
        string? peerScript = target.HasPyTorchPeer ? options.PythonScript : null;
        using var folder = peerScript is null ? null : ExchangeFolder.Create();
        PyTorchPeer? peer = null;
        try
        {
            if (peerScript is not null)
            {
                folder!.WriteModel(model, [options.SamplingSteps, SamplingWarmupSteps, Math.Max(rssSamplingSteps, 1)]);
                peer = PyTorchPeer.Start(options.Python, peerScript, options.Threads);
                long theirs = peer.Load(ExchangeFolder.Config(model.Description), folder.Weights, folder.Tables, LearningRate, WeightDecay);
                if (theirs != parameters) throw new CommandLineException($"the PyTorch reference DiT has {theirs:N0} parameters, ours {parameters:N0}.");
                var agreement = ForwardAgreement.Check(model, peer, folder, images: 8, seed: Seed + 2);
                Console.WriteLine($"   forward check, same weights (safetensors, reference DiT names) and inputs, {agreement.Images} images: max |ours - {peer.Name}| = {agreement.MaxAbsDifference:G3} "
                                  + $"on outputs up to {agreement.MaxAbsOutput:G3} (relative {agreement.Relative:G2} <= {ForwardAgreement.RelativeTolerance:G1}): same function");
            }
            var sides = peer is null ? new IBenchSide[] { ours } : new IBenchSide[] { ours, peer };
            var results = sides.ToDictionary(s => s, _ => new SideResults());

            for (int r = 0; r < options.Repeats; r++)
            {
                var order = r % 2 == 0 ? sides : sides.Reverse().ToArray();
                foreach (var side in order) results[side].Matmul.Add(side.MatmulGflops(options.MatmulSize, options.MatmulRepeats));
                foreach (var side in order) results[side].Train.Add(side.Train(batch, target.WarmupSteps, steps, Seed + 10 + r));
                foreach (var side in order) results[side].Sample.Add(side.Sample(count, options.SamplingSteps, SamplingWarmupSteps, target.GuidanceScale, Seed + 20 + r));
                Console.WriteLine($"   repeat {r + 1}/{options.Repeats} ({order[0].Name} first, load {MachineInfo.LoadAverages()}): "
                                  + string.Join("; ", sides.Select(s => $"{s.Name} training {batch * steps / results[s].Train[^1].Seconds:F2} images/s, sampling {count / results[s].Sample[^1].Seconds:F3} images/s")));
            }

            var splits = sides.ToDictionary(s => s, s => s.TrainSplit(batch, Math.Max(2, steps / 2), Seed + 50));
            double trainFlops = (flops?.TrainingStepPerImage ?? double.NaN) * batch * steps, sampleFlops = (flops?.ForwardPerImage ?? double.NaN) * 2 * count * options.SamplingSteps;
            var table = new ResultTable(sides.Select(s => s.Name).ToArray(), withRatio: peer is not null);
            table.Section($"training: batch {batch}, {steps} timed steps after {target.WarmupSteps} warm-up (generated loss + AdamW), {options.Repeats} repeats, median [min-max]");
            table.Row("images/s", sides.Select(s => results[s].Train.Select(t => batch * steps / t.Seconds).ToArray()), "F2");
            table.Row("images per CPU-second", sides.Select(s => results[s].Train.Select(t => batch * steps / t.CpuSeconds).ToArray()), "F2");
            if (flops is not null) table.Row("achieved GFLOP/s", sides.Select(s => results[s].Train.Select(t => trainFlops / t.Seconds / 1e9).ToArray()), "F1");
            table.Row("  forward + loss, ms/step", sides.Select(s => new[] { splits[s].ForwardMs }), "F0", ratio: false);
            table.Row("  backward, ms/step", sides.Select(s => new[] { splits[s].BackwardMs }), "F0", ratio: false);
            table.Row("  AdamW, ms/step", sides.Select(s => new[] { splits[s].OptimizerMs }), "F0", ratio: false);
            table.Row($"matmul rate GFLOP/s ({options.MatmulSize}^3)", sides.Select(s => results[s].Matmul.ToArray()), "F1", ratio: false);
            if (flops is not null) table.Row("share of own matmul rate", sides.Select(s => results[s].Train.Zip(results[s].Matmul, (t, m) => 100 * trainFlops / t.Seconds / 1e9 / m).ToArray()), "F0", suffix: "%", ratio: false);
            table.Row("peak memory (VmHWM), MiB", sides.Select(s => results[s].Train.Select(t => t.PeakMib).ToArray()), "F0", ratio: false);
            table.Section($"sampling: DDIM-{options.SamplingSteps}, guidance w = {target.GuidanceScale} (both passes batched), {count} images, {options.Repeats} repeats");
            table.Row("images/s", sides.Select(s => results[s].Sample.Select(t => count / t.Seconds).ToArray()), "F3");
            table.Row("images per CPU-second", sides.Select(s => results[s].Sample.Select(t => count / t.CpuSeconds).ToArray()), "F3");
            if (flops is not null) table.Row("achieved GFLOP/s", sides.Select(s => results[s].Sample.Select(t => sampleFlops / t.Seconds / 1e9).ToArray()), "F1");
            if (flops is not null) table.Row("share of own matmul rate", sides.Select(s => results[s].Sample.Zip(results[s].Matmul, (t, m) => 100 * sampleFlops / t.Seconds / 1e9 / m).ToArray()), "F0", suffix: "%", ratio: false);
            table.Row("peak memory (VmHWM), MiB", sides.Select(s => results[s].Sample.Select(t => t.PeakMib).ToArray()), "F0", ratio: false);
            table.Print();

            if (rssTrainSteps > 0 && rssSamplingSteps > 0)
            {
                Console.WriteLine($"   resident memory (VmRSS) slope, least squares after the first quarter, MiB per 1000 steps:");
                foreach (var side in sides)
                {
                    var train = side.RssTrain(target.RssBatch, rssTrainSteps, Math.Max(1, rssTrainSteps / 50), Seed + 30);
                    var sample = side.RssSample(target.RssSamples, rssSamplingSteps, Math.Max(1, rssSamplingSteps / 50), target.GuidanceScale, Seed + 40);
                    Console.WriteLine($"     {side.Name,-18} training {rssTrainSteps} steps at batch {target.RssBatch}: {RssSlope.MibPer1000Steps(train),7:+0.0;-0.0} ({train[0].Mib:F0} -> {train[^1].Mib:F0} MiB); "
                                      + $"sampling DDIM-{rssSamplingSteps} on {target.RssSamples} images: {RssSlope.MibPer1000Steps(sample),7:+0.0;-0.0} ({sample[0].Mib:F0} -> {sample[^1].Mib:F0} MiB)");
                }
            }
        }
        finally
        {
            peer?.Dispose();
        }
    }

    private sealed class SideResults
    {
        public List<double> Matmul { get; } = [];
        public List<PhaseTiming> Train { get; } = [];
        public List<PhaseTiming> Sample { get; } = [];
    }
}
