using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// Crash safety end to end: the example's <c>train</c> command is SIGKILLed 20 times at seeded random moments (while
/// starting or loading its checkpoint, in the middle of a step, in the middle of writing a checkpoint). After every kill
/// the newest checkpoint verifies and the next run resumes right after it; the finished run's losses equal an
/// uninterrupted run's exactly, as do its final EMA weights.
/// </summary>
public class KillAndResumeTests
{
    private const int Kills = 20;
    // Each kill loses at most the steps since the last checkpoint and advances the run by at most 4 steps (see the three
    // kinds below), so 20 kills cannot reach step 50 and every kill lands in a live run.
    private const int Steps = 50;
    private static readonly Regex StepLine = new(@"^step (\d+)/", RegexOptions.CultureInvariant);

    private readonly ITestOutputHelper output;

    public KillAndResumeTests(ITestOutputHelper output) => this.output = output;

    /// <summary>A running <c>train</c> whose progress lines are counted as they arrive.</summary>
    private sealed class TrainingProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder log = new();
        private int stepLines;
        private long firstStep = -1;

        public TrainingProcess(IEnumerable<string> args)
        {
            process = new Process { StartInfo = ExampleCli.StartInfo(args) };
            process.OutputDataReceived += (_, e) => Received(e.Data, isError: false);
            process.ErrorDataReceived += (_, e) => Received(e.Data, isError: true);
            Watch = Stopwatch.StartNew();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process => process;
        public Stopwatch Watch { get; }
        public int StepLines => Volatile.Read(ref stepLines);
        /// <summary>The step of the first progress line (the first step this run trained), or -1.</summary>
        public long FirstStep => Interlocked.Read(ref firstStep);
        public TimeSpan? FirstStepAt { get; private set; }

        public string Log
        {
            get { lock (log) return log.ToString(); }
        }

        private void Received(string? line, bool isError)
        {
            if (line is null) return;
            lock (log) log.Append(isError ? "stderr: " : "").AppendLine(line);
            var match = StepLine.Match(line);
            if (isError || !match.Success) return;
            if (Interlocked.CompareExchange(ref firstStep, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), -1) == -1)
                FirstStepAt = Watch.Elapsed;
            Interlocked.Increment(ref stepLines);
        }

        public int WaitForExit(TimeSpan timeout)
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill();
                throw new TimeoutException("train did not finish within " + timeout + ":\n" + Log);
            }
            process.WaitForExit(); // drains the output
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }
    }

    [Fact]
    public void KilledTwentyTimesTheRunResumesFromItsLastCheckpointAndReproducesTheUninterruptedLossesExactly()
    {
        var total = Stopwatch.StartNew();
        using var folder = new TempFolder();
        string data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 2); // 20 images: 5 steps of 4 per epoch
        string straightDir = folder.Combine("straight"), killedDir = folder.Combine("killed");
        string[] Args(string outDir) =>
        [
            "train", "--data", data, "--out", outDir, "--steps", Steps.ToString(CultureInfo.InvariantCulture), "--batch-size", "4",
            "--checkpoint-every", "2", "--keep-checkpoints", "2", "--log-every", "1", "--seed", "11", "--resume",
        ];

        // The uninterrupted run, which also measures how long a run takes to start.
        TimeSpan startup, stepTime;
        using (var straight = new TrainingProcess(Args(straightDir)))
        {
            Assert.True(straight.WaitForExit(TimeSpan.FromMinutes(3)) == 0, straight.Log);
            startup = straight.FirstStepAt ?? throw new InvalidOperationException("no progress line:\n" + straight.Log);
            stepTime = (straight.Watch.Elapsed - startup) / Steps;
        }

        var store = new RunFolder(killedDir);
        var random = new Random(20251126);
        int interruptedWrites = 0;
        var kinds = new List<string>();
        for (int kill = 0; kill < Kills; kill++)
        {
            long before = LatestStep(store);
            var leftovers = TempDirectories(store);
            using var run = new TrainingProcess(Args(killedDir));
            string kind;
            switch (kill % 3)
            {
                case 0:
                    // Anywhere while the process starts, loads the data, verifies and loads its checkpoint.
                    kind = "startup";
                    var at = TimeSpan.FromTicks((long)(random.NextDouble() * startup.Ticks));
                    ExampleCli.WaitFor(() => run.Watch.Elapsed >= at, run.Process, TimeSpan.FromMinutes(2));
                    break;
                case 1:
                    // While a checkpoint (or a pruning) is being written: as soon as a new .tmp-* folder appears, plus 0-40 ms.
                    kind = "write";
                    Assert.True(ExampleCli.WaitFor(() => TempDirectories(store).Except(leftovers).Any(), run.Process, TimeSpan.FromMinutes(2)),
                        $"kill {kill}: no checkpoint write began:\n{run.Log}");
                    Thread.Sleep(random.Next(0, 40));
                    break;
                default:
                    // In the middle of training: after 1 to 3 progress lines, plus a fraction of a step.
                    kind = "step";
                    int lines = random.Next(1, 4);
                    Assert.True(ExampleCli.WaitFor(() => run.StepLines >= lines, run.Process, TimeSpan.FromMinutes(2)),
                        $"kill {kill}: fewer than {lines} steps:\n{run.Log}");
                    Thread.Sleep(TimeSpan.FromTicks((long)(random.NextDouble() * stepTime.Ticks)));
                    break;
            }
            Assert.False(run.Process.HasExited, $"kill {kill} ({kind}): the run exited with {(run.Process.HasExited ? run.Process.ExitCode : 0)} before it was killed:\n{run.Log}");
            run.Process.Kill(); // SIGKILL: no handler, no flush, no cleanup
            run.Process.WaitForExit();
            bool midWrite = TempDirectories(store).Except(leftovers).Any(d => Path.GetFileName(d).StartsWith(".tmp-step-", StringComparison.Ordinal));
            if (midWrite) interruptedWrites++;

            // The newest checkpoint verifies (nothing half-written ever became a checkpoint) ...
            var refused = new List<string>();
            string? latest = store.Latest(refused.Add);
            Assert.True(refused.Count == 0, $"kill {kill} ({kind}): {string.Join("\n", refused)}");
            Assert.Equal(store.List().Count > 0, latest is not null);
            long after = LatestStep(store);
            Assert.True(after >= before, $"kill {kill}: the newest checkpoint went back from step {before} to {after}");
            // ... and the run resumed right after the checkpoint it found.
            if (run.FirstStep >= 0) Assert.True(run.FirstStep == before + 1, $"kill {kill}: resumed at step {run.FirstStep}, expected {before + 1}:\n{run.Log}");
            kinds.Add($"{kind}@{run.Watch.Elapsed.TotalSeconds:F2}s step {before}->{after}{(midWrite ? " mid-write" : "")}");
        }
        output.WriteLine(string.Join("\n", kinds));
        long resumedFrom = LatestStep(store);
        Assert.True(resumedFrom > 0, "20 kills and not one checkpoint: the kills came too early to test resuming");
        Assert.True(interruptedWrites >= 3, $"only {interruptedWrites} kills interrupted a checkpoint write");

        using (var finish = new TrainingProcess(Args(killedDir)))
        {
            Assert.True(finish.WaitForExit(TimeSpan.FromMinutes(3)) == 0, finish.Log);
            Assert.Equal(resumedFrom + 1, finish.FirstStep);
        }

        string straightLosses = File.ReadAllText(Path.Combine(straightDir, "loss.csv"));
        Assert.Equal(Steps + 1, straightLosses.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(straightLosses, File.ReadAllText(Path.Combine(killedDir, "loss.csv"))); // every loss, bit for bit
        string last = CheckpointLayout.DirectoryName(Steps);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straightDir, "checkpoints", last, CheckpointLayout.EmaFile)),
            File.ReadAllBytes(Path.Combine(killedDir, "checkpoints", last, CheckpointLayout.EmaFile)));
        output.WriteLine($"{Kills} kills ({interruptedWrites} mid-write), resumed last from step {resumedFrom}; {total.Elapsed.TotalSeconds:F0} s in all, startup {startup.TotalSeconds:F1} s");
    }

    private static long LatestStep(RunFolder store) => store.List() is { Count: > 0 } all ? all[^1].Step : 0;

    private static List<string> TempDirectories(RunFolder store) =>
        Directory.Exists(store.CheckpointsDirectory) ? Directory.GetDirectories(store.CheckpointsDirectory, ".tmp-*").ToList() : [];
}
