using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>SIGTERM (and Ctrl+C, the same handler) stops <c>train</c> after the current step with a checkpoint of that step.</summary>
public class SignalStopTests
{
    private static readonly Regex StepLine = new(@"^step (\d+)/", RegexOptions.CultureInvariant);

    [Fact]
    public void Sigterm_checkpoints_the_step_reached_and_exits_cleanly()
    {
        using var folder = new TempFolder();
        string data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 2);
        string run = folder.Combine("run");
        var log = new StringBuilder();
        long lastStep = 0;
        using var process = new Process
        {
            StartInfo = ExampleCli.StartInfo(["train", "--data", data, "--out", run, "--steps", "100000", "--batch-size", "4",
                "--checkpoint-every", "100000", "--log-every", "1", "--seed", "3"]),
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            var match = StepLine.Match(e.Data);
            if (match.Success) System.Threading.Interlocked.Exchange(ref lastStep, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (log) log.AppendLine("stderr: " + e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Assert.True(ExampleCli.WaitFor(() => System.Threading.Interlocked.Read(ref lastStep) >= 3, process, TimeSpan.FromMinutes(2)), log.ToString());

        Assert.Equal(0, Kill(process.Id, 15)); // SIGTERM
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "train ignored SIGTERM:\n" + log);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, log.ToString());

        // No periodic checkpoint was due (every 100,000 steps): the one there is the stop's, at the last step trained.
        var checkpoints = new RunFolder(run).List();
        Assert.Single(checkpoints);
        Assert.True(checkpoints[0].Step >= 3, log.ToString());
        Assert.Equal(checkpoints[0].Step, File.ReadAllLines(Path.Combine(run, "loss.csv")).Length - 1);
        Assert.Contains("SIGTERM: stopping after the current step", log.ToString());
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
