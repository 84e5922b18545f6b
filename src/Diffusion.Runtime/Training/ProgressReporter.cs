using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Diffusion.Runtime.Training;

/// <summary>
/// Prints training progress: on a terminal a progress bar redrawn in place (step/total, smoothed loss, images/s, ETA);
/// when the output is redirected (CI, pipes, log files) one plain line every <c>logEvery</c> steps, plus the first and
/// the last step and every checkpoint. Pass <see cref="Report"/> as <see cref="TrainingOptions.OnProgress"/>.
/// </summary>
public sealed class ProgressReporter
{
    private const int BarWidth = 30;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter output;
    private readonly int logEvery;
    private readonly Stopwatch sinceRedraw = Stopwatch.StartNew();
    private int lastWidth;

    /// <summary>A reporter writing to <paramref name="output"/> (default: the console).</summary>
    /// <param name="logEvery">Steps between plain lines when not interactive.</param>
    /// <param name="output">Where to write; defaults to <see cref="Console.Out"/>.</param>
    /// <param name="interactive">Draw a bar (true) or plain lines (false); default: whether stdout is a terminal
    /// (<see cref="Console.IsOutputRedirected"/> is false) and <paramref name="output"/> is the console.</param>
    public ProgressReporter(int logEvery = 50, TextWriter? output = null, bool? interactive = null)
    {
        if (logEvery < 1) throw new ArgumentOutOfRangeException(nameof(logEvery), $"log every = {logEvery}; use at least 1.");
        this.logEvery = logEvery;
        this.output = output ?? Console.Out;
        Interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
    }

    /// <summary>Whether a bar is drawn (else plain lines are printed).</summary>
    public bool Interactive { get; }

    /// <summary>Reports one step.</summary>
    public void Report(TrainingProgress progress)
    {
        bool last = progress.Step == progress.TotalSteps;
        if (Interactive)
        {
            if (!last && progress.CheckpointPath is null && sinceRedraw.Elapsed < RedrawInterval) return;
            sinceRedraw.Restart();
            string line = BarLine(progress);
            output.Write("\r" + line.PadRight(lastWidth));
            lastWidth = line.Length;
            if (progress.CheckpointPath is not null && !last)
            {
                output.WriteLine();
                output.WriteLine($"checkpoint {progress.CheckpointPath}");
                lastWidth = 0;
            }
            if (last)
            {
                output.WriteLine();
                if (progress.CheckpointPath is not null) output.WriteLine($"checkpoint {progress.CheckpointPath}");
            }
            output.Flush();
            return;
        }

        if (progress.Step % logEvery == 0 || last || progress.Step == 1 || progress.Skipped)
            output.WriteLine(PlainLine(progress));
        if (progress.CheckpointPath is not null) output.WriteLine($"checkpoint {progress.CheckpointPath}");
    }

    /// <summary>The plain one-line form, e.g. <c>step 500/2000 loss 0.0412 (avg 0.0450) 812.3 img/s elapsed 00:01:02 eta 00:03:06</c>.</summary>
    public static string PlainLine(TrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"step {p.Step}/{p.TotalSteps} loss {p.Loss:0.0000} (avg {p.SmoothedLoss:0.0000}) {p.ImagesPerSecond:0.0} img/s elapsed {Format(p.Elapsed)} eta {(p.Remaining is { } r ? Format(r) : "?")}{(p.Skipped ? " SKIPPED (non-finite)" : "")}");

    private static string BarLine(TrainingProgress p)
    {
        int filled = (int)Math.Round(BarWidth * (double)p.Step / Math.Max(1, p.TotalSteps));
        string bar = new string('#', filled) + new string('-', BarWidth - filled);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{bar}] {p.Step}/{p.TotalSteps} loss {p.SmoothedLoss:0.0000} {p.ImagesPerSecond:0.0} img/s ETA {(p.Remaining is { } r ? Format(r) : "?")}");
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";
}
