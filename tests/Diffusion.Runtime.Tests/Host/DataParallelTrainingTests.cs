using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// train and sample as MPI jobs of two processes (<c>mpiexec.mpich -n 2 dotnet HostTestApp.dll train ...</c>, one
/// libtorch thread each) against one process with the same global batch: the same steps up to float32 summation order,
/// replicas checked bit-identical at every checkpoint, the same grid, and refusals and a killed rank that end the job
/// with a message instead of a hang.
/// </summary>
/// <remarks>
/// The tolerance: two ranks sum the batch's loss and gradients in another order (two half-batch means, then their
/// mean) than one process (one mean), a difference of a few float32 ulps (about 1e-7 relative) in the gradients. AdamW's
/// first step is about lr sign(g) (1e-4), so the weights after it agree to 1e-8 (measured: 2.3e-10); over 20 steps the
/// losses agree to 1e-6 relative (measured: 1.2e-7, a float32 ulp or so), and so do those of a run killed on two ranks
/// and resumed on one (measured: 6.6e-8 over the 10 steps after the resume).
/// </remarks>
public class DataParallelTrainingTests(ITestOutputHelper output)
{
    private const double WeightTolerance = 1e-8;
    private const double LossTolerance = 1e-6;

    private (int ExitCode, string Output, string Error) Launch(int processes, params string[] args)
    {
        var single = ExampleCli.StartInfo(HostApp.DllPath, args);
        var info = processes == 1 ? single : Mpi(single, processes);
        var result = ExampleCli.Run(info, TimeSpan.FromMinutes(3));
        output.WriteLine($"$ [{processes}] {string.Join(' ', args)}\nexit {result.ExitCode}\n{result.Output}\n{result.Error}");
        return result;
    }

    // The same command under mpiexec: -n N, then the program and its arguments; the environment (one thread) is passed on.
    private static System.Diagnostics.ProcessStartInfo Mpi(System.Diagnostics.ProcessStartInfo inner, int processes)
    {
        var info = new System.Diagnostics.ProcessStartInfo(MpiFactAttribute.Launcher!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-n", processes.ToString(CultureInfo.InvariantCulture), inner.FileName }.Concat(inner.ArgumentList)) info.ArgumentList.Add(arg);
        foreach (var (key, value) in inner.Environment) info.Environment[key] = value;
        return info;
    }

    [MpiFact]
    public void Two_processes_take_one_process_steps_and_keep_identical_replicas()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 12);
        string[] common = ["train", "--model", "RgbDiffusion", "--data", data, "--batch-size", "4", "--checkpoint-every", "5", "--log-every", "5"];

        // One step: the same weights.
        var one = Launch(1, [.. common, "--steps", "1", "--out", folder.Combine("one-1")]);
        Assert.Equal(0, one.ExitCode);
        var two = Launch(2, [.. common, "--steps", "1", "--out", folder.Combine("two-1")]);
        Assert.Equal(0, two.ExitCode);
        Assert.Contains("rank 0 of 2 MPI processes", two.Output);
        Assert.Equal(1, CountOf(two.Output, "finished step 1")); // rank 1 prints nothing
        // The time in the all-reduces is reported where there are any, as a share of the sitting's training time.
        Assert.DoesNotContain("all-reduce of losses and gradients", one.Output);
        Assert.Matches(@"all-reduce of losses and gradients: [0-9.]+ s of this sitting's [0-9.]+ s of training \([0-9.]+ %", two.Output);
        var single = SafetensorsFile.Read(Path.Combine(folder.Combine("one-1"), "checkpoints", "step-0000001", "model.safetensors"));
        var parallel = SafetensorsFile.Read(Path.Combine(folder.Combine("two-1"), "checkpoints", "step-0000001", "model.safetensors"));
        Assert.Equal(single.Keys.Order(), parallel.Keys.Order());
        double worst = single.Keys.Max(key => (single[key] - parallel[key]).abs().max().item<float>());
        output.WriteLine($"one step: largest weight difference {worst:E2}");
        Assert.True(worst <= WeightTolerance, $"one step: weights differ by up to {worst:E2}");

        // Twenty steps: the same losses; the replicas are compared (SHA-256 against rank 0's) at steps 5, 10, 15, 20.
        Assert.Equal(0, Launch(1, [.. common, "--steps", "20", "--out", folder.Combine("one-20")]).ExitCode);
        Assert.Equal(0, Launch(2, [.. common, "--steps", "20", "--out", folder.Combine("two-20")]).ExitCode);
        var expected = Losses(folder.Combine("one-20"));
        var actual = Losses(folder.Combine("two-20"));
        Assert.Equal(20, expected.Length);
        Assert.Equal(20, actual.Length);
        double relative = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
        output.WriteLine($"20 steps: largest relative loss difference {relative:E2}");
        Assert.True(relative <= LossTolerance, $"20 steps: losses differ by up to {relative:E2} relative");
        Assert.True(expected.Distinct().Count() > 10, "the losses must vary from step to step for the comparison to mean something");
    }

    [MpiFact]
    public void A_batch_that_does_not_split_and_a_model_that_cannot_are_refused_ending_the_job()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 6);
        var odd = Launch(2, "train", "--model", "RgbDiffusion", "--data", data, "--batch-size", "3", "--steps", "2", "--out", folder.Combine("odd"));
        Assert.NotEqual(0, odd.ExitCode);
        Assert.Contains("--batch-size 3: not a multiple of the 2 MPI processes", odd.Error);

        var consistency = Launch(2, "train", "--model", "RgbConsistency", "--data", data, "--batch-size", "2", "--steps", "2", "--out", folder.Combine("cm"));
        Assert.NotEqual(0, consistency.ExitCode);
        Assert.Contains("RgbConsistency cannot train on 2 processes", consistency.Error);
        Assert.False(Directory.Exists(Path.Combine(folder.Combine("cm"), "checkpoints", "step-0000001")));
    }

    [MpiFact]
    public void A_killed_rank_ends_the_job_naming_it_and_its_last_checkpoint_resumes_on_another_process_count()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 12);
        string run = folder.Combine("killed");
        string[] common = ["train", "--model", "RgbDiffusion", "--data", data, "--batch-size", "4", "--out", run, "--checkpoint-every", "5", "--log-every", "5"];

        // Two ranks, far more steps than they will take; rank 1 is killed once step 10's checkpoint is written.
        using var job = System.Diagnostics.Process.Start(Mpi(ExampleCli.StartInfo(HostApp.DllPath, [.. common, "--steps", "100000"]), 2))!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        job.OutputDataReceived += (_, e) => { if (e.Data is { } line) lines.Enqueue(line); };
        job.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lines.Enqueue(line); };
        job.BeginOutputReadLine();
        job.BeginErrorReadLine();
        try
        {
            Assert.True(ExampleCli.WaitFor(() => lines.Any(l => l.Contains("step-0000010", StringComparison.Ordinal)), job, TimeSpan.FromMinutes(2)),
                "the job never wrote step 10's checkpoint:\n" + string.Join('\n', lines));
            var map = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"rank 0 = pid (\d+), rank 1 = pid (\d+)")).First(m => m.Success);
            int rank0 = int.Parse(map.Groups[1].Value, CultureInfo.InvariantCulture);
            int rank1 = int.Parse(map.Groups[2].Value, CultureInfo.InvariantCulture);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            System.Diagnostics.Process.GetProcessById(rank1).Kill();  // SIGKILL: no handler runs, no checkpoint
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(60)), "the job still runs 60 s after rank 1 was killed: it hangs");
            job.WaitForExit(); // drains the redirected streams
            output.WriteLine(string.Join('\n', lines));
            output.WriteLine($"the job ended {watch.Elapsed.TotalSeconds:F1} s after rank 1 (pid {rank1}) was killed, exit {job.ExitCode}");
            Assert.NotEqual(0, job.ExitCode);
            // mpiexec names the first process that ended badly by its pid, which the job's first lines map to a rank:
            // usually the killed rank 1, but rank 0 when its transport aborts first (UCX's shared-memory copy from the
            // dead peer fails: exit 6, SIGABRT). Either way the job ends and the name leads to a rank of this job.
            Assert.Contains(lines, l => l.Contains($"PID {rank1}", StringComparison.Ordinal) || l.Contains($"PID {rank0}", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("BAD TERMINATION", StringComparison.Ordinal));
        }
        finally
        {
            if (!job.HasExited) job.Kill(entireProcessTree: true);
        }

        // One process resumes from the newest complete checkpoint and continues the same run: the losses of an
        // uninterrupted one-process run over the same steps.
        long last = Directory.GetDirectories(Path.Combine(run, "checkpoints"), "step-*")
            .Select(d => long.Parse(Path.GetFileName(d)["step-".Length..], CultureInfo.InvariantCulture)).Max();
        string total = (last + 10).ToString(CultureInfo.InvariantCulture);
        var resumed = Launch(1, [.. common, "--steps", total, "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        string straight = folder.Combine("straight");
        Assert.Equal(0, Launch(1, ["train", "--model", "RgbDiffusion", "--data", data, "--batch-size", "4", "--out", straight, "--checkpoint-every", "1000", "--steps", total]).ExitCode);
        Assert.Equal(last + 10, Losses(run).Length); // the table keeps the steps before the kill, once each
        var expected = Losses(straight)[^10..];
        var actual = Losses(run)[^10..];
        double relative = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
        output.WriteLine($"resumed at step {last} on one process: largest relative loss difference over the next 10 steps {relative:E2}");
        Assert.True(relative <= LossTolerance, $"the resumed run's losses differ from the uninterrupted run's by up to {relative:E2} relative");
    }

    [MpiFact]
    public void Sampling_on_two_processes_gives_the_single_process_grid()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteClasses(folder.Combine("shapes"), classes: 3, perClass: 4);
        string run = folder.Combine("run");
        Assert.Equal(0, Launch(1, "train", "--model", "ShapesDiffusion", "--data", data, "--batch-size", "4", "--steps", "3", "--out", run).ExitCode);

        // DDPM draws fresh noise at every step and guidance doubles the batch: each process must keep its rows of the
        // whole batch's draws for the grids to agree.
        string[] sample = ["sample", "--model", "ShapesDiffusion", "--checkpoint", run, "--sampler", "ddpm", "--steps", "10", "--count", "6", "--seed", "3"];
        Assert.Equal(0, Launch(1, [.. sample, "--out", folder.Combine("one.png")]).ExitCode);
        var two = Launch(2, [.. sample, "--out", folder.Combine("two.png")]);
        Assert.Equal(0, two.ExitCode);
        Assert.Contains("rank 0 of 2 MPI processes", two.Output);

        using var one = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(folder.Combine("one.png"));
        using var parallel = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(folder.Combine("two.png"));
        Assert.Equal((one.Width, one.Height), (parallel.Width, parallel.Height));
        int worst = 0, differing = 0;
        for (int y = 0; y < one.Height; y++)
            for (int x = 0; x < one.Width; x++)
            {
                int difference = Math.Abs(one[x, y].PackedValue - parallel[x, y].PackedValue);
                worst = Math.Max(worst, difference);
                if (difference > 0) differing++;
            }
        output.WriteLine($"two processes against one: {differing} of {one.Width * one.Height} grid pixels differ, by at most {worst} of 255");
        // A smaller batch may round the network's float32 sums differently: at most one level of 255 on a pixel.
        Assert.True(worst <= 1, $"the two-process grid differs from the one-process grid by up to {worst} of 255 on a pixel");
    }

    [MpiFact]
    public void Evaluating_on_two_processes_prints_the_single_process_scores()
    {
        using var folder = new TempFolder();
        string real = ExampleCli.WriteDigits(folder.Combine("real"), perClass: 2);
        string Example(string name) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", name);
        string[] evaluate = ["evaluate", "--checkpoint", Example("reference"), "--classifier", Example("evaluation"), "--per-class", "2",
            "--steps", "2", "--data", real];
        string Scores(int processes)
        {
            var single = ExampleCli.StartInfo(ExampleCli.DllPath, evaluate);
            var result = ExampleCli.Run(processes == 1 ? single : Mpi(single, processes), TimeSpan.FromMinutes(3));
            output.WriteLine($"$ [{processes}] evaluate\nexit {result.ExitCode}\n{result.Output}\n{result.Error}");
            Assert.Equal(0, result.ExitCode);
            // The share classified and the Frechet distance, without the timing line.
            var lines = result.Output.Split('\n').Where(l => l.Contains("classified as their intended class", StringComparison.Ordinal)
                || l.Contains("Frechet distance", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, lines.Length);
            return string.Join('\n', lines);
        }

        Assert.Equal(Scores(1), Scores(2));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static double[] Losses(string run) =>
        File.ReadAllLines(Path.Combine(run, "loss.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
}
