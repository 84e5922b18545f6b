using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Training;

public class ProgressReporterTests
{
    private static TrainingProgress At(long step, string? checkpoint = null) =>
        new(step, 100, 0.5, 0.25, 123.4, TimeSpan.FromSeconds(step), TimeSpan.FromSeconds(100 - step), false, checkpoint);

    [Fact]
    public void RedirectedOutputPrintsOnePlainLineEveryLogEverySteps()
    {
        var writer = new StringWriter();
        var reporter = new ProgressReporter(logEvery: 25, writer, interactive: false);
        for (int step = 1; step <= 100; step++) reporter.Report(At(step, step == 50 ? "ckpt/step-0000050" : null));
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(new[]
        {
            "step 1/100 loss 0.5000 (avg 0.2500) 123.4 img/s elapsed 00:01 eta 01:39",
            "step 25/100 loss 0.5000 (avg 0.2500) 123.4 img/s elapsed 00:25 eta 01:15",
            "step 50/100 loss 0.5000 (avg 0.2500) 123.4 img/s elapsed 00:50 eta 00:50",
            "checkpoint ckpt/step-0000050",
            "step 75/100 loss 0.5000 (avg 0.2500) 123.4 img/s elapsed 01:15 eta 00:25",
            "step 100/100 loss 0.5000 (avg 0.2500) 123.4 img/s elapsed 01:40 eta 00:00",
        }, lines);
    }

    [Fact]
    public void InteractiveOutputRedrawsABarInPlace()
    {
        var writer = new StringWriter();
        var reporter = new ProgressReporter(logEvery: 25, writer, interactive: true);
        reporter.Report(At(1));
        reporter.Report(At(100));
        string text = writer.ToString();
        Assert.StartsWith("\r[", text);
        Assert.Contains("100/100 loss 0.2500 123.4 img/s ETA 00:00", text);
        Assert.Contains("[##############################]", text);
    }
}
