using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Cli;
using Examples.Mnist.Benchmarks;
using TorchSharp;

namespace Examples.Mnist.Commands;

/// <summary>
/// bench: the generated DiT against an equivalent PyTorch implementation (bench/pytorch_dit.py, run by Debian's
/// PyTorch as a child process) on the same machine, threads, batch and dtype, alternating the two: training and
/// DDIM-50 guided sampling throughput, peak memory, achieved GFLOP/s against each process's measured matrix-multiply
/// rate, and the resident-memory slope of long runs. It checks that both sides compute the same function first, prints
/// numbers and asserts nothing else; docs/benchmarks.md records them.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = $"Comma-separated models to time: {string.Join(", ", BenchTarget.Keys)}.", DefaultValueFactory = _ => string.Join(",", BenchTarget.Keys) };
        models.Validators.Add(result =>
        {
            var unknown = Split(result.GetValueOrDefault<string>() ?? "").Where(k => !BenchTarget.Keys.Contains(k)).ToArray();
            if (unknown.Length > 0) result.AddError($"--models: unknown {string.Join(", ", unknown)}; known: {string.Join(", ", BenchTarget.Keys)}.");
        });
        var repeats = CliOptions.Positive("--repeats", 3, "Repeats of each timed phase per side, alternating the sides; ratios are reported as median [min-max].");
        var threads = CliOptions.Positive("--threads", Environment.ProcessorCount, "Threads for both sides (torch.set_num_threads).");
        var device = CliOptions.Device();
        var batch = OptionalPositive("--batch-size", "Training batch size for every model (default: each model's own, 64 for mnist, 16 for dit-s2).");
        var trainSteps = OptionalPositive("--train-steps", "Timed training steps per repeat (default: 20 for mnist, 4 for dit-s2).");
        var samples = OptionalPositive("--samples", "Images per timed sampling run (default: 64 for mnist, 4 for dit-s2).");
        var samplingSteps = CliOptions.Positive("--sampling-steps", 50, "DDIM steps of the timed sampling run.");
        var rssSteps = new Option<int?>("--rss-steps") { Description = "Steps of the resident-memory runs, training and sampling (default: 1000 for mnist, 200 for dit-s2; 0 skips them)." };
        rssSteps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0) result.AddError("--rss-steps must be >= 0.");
        });
        var python = new Option<string>("--python") { Description = "The interpreter that imports Debian's PyTorch (see bench/setup-pytorch.sh).", DefaultValueFactory = _ => "/usr/bin/python3" };
        var script = new Option<string?>("--pytorch-script") { Description = "The PyTorch peer (default: bench/pytorch_dit.py of the repository this runs from)." };
        var precision = CliOptions.Precision();
        var noPytorch = new Option<bool>("--no-pytorch") { Description = "Time the generated code only: no PyTorch, no forward check, no ratios." };
        var command = new Command("bench", "Time the generated DiT against PyTorch (and the U-Net on its own): training and sampling throughput, memory, GFLOP/s.")
        {
            models, repeats, threads, device, batch, trainSteps, samples, samplingSteps, rssSteps, python, script, noPytorch,
            precision,
        };
        CommandAction.Set(command, parse =>
        {
            int threadCount = parse.GetValue(threads);
            bool withPytorch = !parse.GetValue(noPytorch);
            if (withPytorch && parse.GetValue(device) != "cpu")
                throw new CommandLineException("the PyTorch baseline (Debian's python3-torch) runs on the CPU only; use --device cpu, or --no-pytorch to time this side alone.");
            string? peerScript = withPytorch ? parse.GetValue(script) ?? FindPeerScript() : null;
            var options = new BenchOptions(parse.GetValue(repeats), threadCount, parse.GetValue(device)!, parse.GetValue(batch), parse.GetValue(trainSteps),
                parse.GetValue(samples), parse.GetValue(samplingSteps), parse.GetValue(rssSteps), parse.GetValue(python)!, peerScript, MatmulSize: 1024, MatmulRepeats: 20,
                CliOptions.ToPrecision(parse.GetValue(precision)));

            torch.set_num_threads(threadCount);
            double loadAtStart = MachineInfo.LoadAverage1();
            Console.WriteLine($"[bench] {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {MachineInfo.Cpu()}; {MachineInfo.OperatingSystem()}");
            Console.WriteLine($"[bench] .NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version!.ToString(3)}; {threadCount} threads both sides; load average {MachineInfo.LoadAverages()}");
            if (peerScript is not null)
            {
                using var probe = PyTorchPeer.Start(options.Python, peerScript, threadCount);
                Console.WriteLine($"[bench] {probe.Name}: Debian python3-torch {probe.PackageVersion} (torch.__version__ {probe.TorchVersion}), OpenBLAS {probe.BlasVersion}, Python {probe.PythonVersion}, {probe.Threads} threads; peer {peerScript}");
            }
            foreach (var key in Split(parse.GetValue(models)!)) Comparison.Run(BenchTarget.All.First(t => t.Key == key), options);

            double loadAtEnd = MachineInfo.LoadAverage1();
            Console.WriteLine();
            Console.WriteLine($"[bench] load average at the end {MachineInfo.LoadAverages()}");
            // The load at the start is other work; at the end it includes this benchmark's own threads.
            if (loadAtStart > 1.0 || loadAtEnd > threadCount + 1.0)
                Console.WriteLine("[bench] the machine was busy with other work (load average above ~1 beyond this benchmark): the figures are contended; rerun on a quiet machine before recording them.");
            return 0;
        });
        return command;
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Option<int?> OptionalPositive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError($"{name} must be at least 1.");
        });
        return option;
    }

    /// <summary>bench/pytorch_dit.py in the repository: looked for above the working directory, then above the program's folder.</summary>
    private static string FindPeerScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "bench", "pytorch_dit.py");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new CommandLineException("bench/pytorch_dit.py was not found above the working directory or the program; pass --pytorch-script, or --no-pytorch to time this side alone.");
    }
}
