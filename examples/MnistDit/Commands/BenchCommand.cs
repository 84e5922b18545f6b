using System;
using System.CommandLine;
using System.Diagnostics;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>
/// bench: training and sampling throughput of the example model and the process's peak memory. It prints numbers and
/// asserts nothing; docs/benchmarks.md records them with machine, date and versions.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var trainSteps = CliOptions.Positive("--train-steps", 20, "Timed training steps (after 3 warm-up steps).");
        var batchSize = CliOptions.Positive("--batch-size", 64, "Training batch size.");
        var sampleCount = CliOptions.Positive("--samples", 64, "Images per sampling run (DDIM-50 with guidance).");
        var threads = CliOptions.Positive("--threads", Environment.ProcessorCount, "torch.set_num_threads.");
        var device = CliOptions.Device();
        var command = new Command("bench", "Measure training and sampling throughput of the example model.") { trainSteps, batchSize, sampleCount, threads, device };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            torch.set_num_threads(parse.GetValue(threads));
            var model = new MnistDiffusion();
            model.Network.to(target);
            int batch = parse.GetValue(batchSize);
            Console.WriteLine($"[bench] MnistDiffusion ({model.Network.parameters().Sum(p => p.numel()):N0} parameters), {parse.GetValue(device)}, {torch.get_num_threads()} threads, TorchSharp {typeof(torch).Assembly.GetName().Version}");

            using var optimizer = new AdamW(model.Network.named_parameters().Select(p => (p.name, p.parameter)), learningRate: 1e-4, weightDecay: 0);
            using var data = torch.rand(batch, 1, 28, 28, device: target) * 2 - 1;
            using var labels = torch.randint(0, 10, [batch], device: target);
            model.Network.train();
            void TrainStep(long step)
            {
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)step, target);
                optimizer.ZeroGrad();
                model.TrainingLoss(data, labels, generator).backward();
                optimizer.Step();
            }
            for (int i = 0; i < 3; i++) TrainStep(i);
            long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < parse.GetValue(trainSteps); i++) TrainStep(100 + i);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            long liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Console.WriteLine($"[bench] training: {parse.GetValue(trainSteps) * batch / trainSeconds:F1} images/s ({trainSeconds / parse.GetValue(trainSteps) * 1000:F0} ms/step at batch {batch}); live tensors {liveBefore} -> {liveAfter}");

            model.Network.eval();
            int count = parse.GetValue(sampleCount);
            using var sampleLabels = torch.arange(count, dtype: ScalarType.Int64, device: target) % 10;
            var request = new SampleRequest(count, sampleLabels, Steps: 50, Eta: 0, GuidanceScale: MnistDiffusion.DefaultGuidanceScale);
            using (var warm = new Generator(1, target)) model.Sample(SamplerKind.Ddim, request with { Steps = 2 }, warm).Dispose();
            liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            clock.Restart();
            using (var generator = new Generator(2, target)) model.Sample(SamplerKind.Ddim, request, generator).Dispose();
            double sampleSeconds = clock.Elapsed.TotalSeconds;
            liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Console.WriteLine($"[bench] sampling DDIM-50, guidance {MnistDiffusion.DefaultGuidanceScale} (2 network passes batched): {count / sampleSeconds:F1} images/s ({sampleSeconds:F1} s for {count}); live tensors {liveBefore} -> {liveAfter}");
            Console.WriteLine($"[bench] peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB");
            return 0;
        });
        return command;
    }
}
