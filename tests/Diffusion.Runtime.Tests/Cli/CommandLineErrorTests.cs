using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>Bad options and bad inputs of the example's command line: a message and exit code 1, never a stack trace.</summary>
public class CommandLineErrorTests : IClassFixture<CommandLineErrorTests.Inputs>
{
    /// <summary>Fixture folders: good data, an empty folder, loose PNGs, and damaged copies of the reference release.</summary>
    public sealed class Inputs : IDisposable
    {
        private readonly TempFolder folder = new();

        public Inputs()
        {
            Data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 1);
            Empty = Directory.CreateDirectory(folder.Combine("empty")).FullName;
            Flat = folder.Combine("flat");
            for (int i = 0; i < 3; i++) TempFolder.WriteGray(Path.Combine(Flat, $"{i}.png"), 28, 28, (_, _) => 9);

            string reference = Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", "reference");
            Truncated = Copy(reference, "truncated");
            using (var stream = new FileStream(Path.Combine(Truncated, "model.safetensors"), FileMode.Open)) stream.SetLength(stream.Length / 2);
            OtherArchitecture = Copy(reference, "other-architecture");
            string config = Path.Combine(OtherArchitecture, "config.json");
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"depth\": 6", "\"depth\": 8"));
            // Re-stamped, so the checksums pass and the description check is what refuses it.
            File.Delete(Path.Combine(OtherArchitecture, CheckpointManifest.FileName));
            CheckpointManifest.Write(OtherArchitecture, ["model.safetensors", "config.json"]);
            Out = folder.Combine("out");
            Bad = ExampleCli.WriteDigits(folder.Combine("bad"), perClass: 1);
            BadFile = Path.Combine(Bad, "3", "cut.png");
            var png = File.ReadAllBytes(Path.Combine(Bad, "3", "0.png"));
            File.WriteAllBytes(BadFile, png[..(png.Length / 2)]);
        }

        /// <summary>Good digits plus one truncated PNG, <see cref="BadFile"/>.</summary>
        public string Bad { get; }
        public string BadFile { get; }

        public string Data { get; }
        public string Empty { get; }
        public string Flat { get; }
        public string Truncated { get; }
        public string OtherArchitecture { get; }
        public string Out { get; }
        public string Missing => folder.Combine("no-such-folder");

        private string Copy(string source, string name)
        {
            string target = Directory.CreateDirectory(folder.Combine(name)).FullName;
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            return target;
        }

        public void Dispose() => folder.Dispose();
    }

    private readonly Inputs inputs;
    private readonly ITestOutputHelper output;

    public CommandLineErrorTests(Inputs inputs, ITestOutputHelper output)
    {
        this.inputs = inputs;
        this.output = output;
    }

    /// <summary>The arguments ({data}, {empty}, {flat}, {missing}, {truncated}, {other}, {out} stand for fixture paths) and what the message must say.</summary>
    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "frobnicate", "frobnicate" },
        ["train --data {data} --out {out} --bogus 3", "--bogus"],
        ["train --out {out}", "--data"],
        ["train --data {data} --out {out} --steps -5", "--steps must be at least 1"],
        ["train --data {data} --out {out} --batch-size 0", "--batch-size must be at least 1"],
        ["train --data {data} --out {out} --lr abc", "abc"],
        ["train --data {data} --out {out} --lr -0.1", "--lr must be a finite number >= 0"],
        ["train --data {data} --out {out} --steps abc", "abc"],
        ["train --data {data} --out {out} --steps 99999999999", "99999999999"],
        ["train --data {data} --out {out} --ema-decay 1", "--ema-decay must be below 1"],
        ["train --data {data} --out {out} --keep-checkpoints -1", "--keep-checkpoints must be 0"],
        ["train --data {data} --out {out} --device tpu", "tpu"],
        ["train --data {missing} --out {out}", "{missing}: no such directory"],
        ["train --data {empty} --out {out}", "{empty}"],
        ["train --data {flat} --out {out}", "{flat}"],
        ["train --data {bad} --out {out}", "{badfile}"],
        ["sample --checkpoint {missing} --out {out}/grid.png", "{missing}' does not exist"],
        ["sample --checkpoint {truncated} --out {out}/grid.png", "{truncated}/model.safetensors' is truncated"],
        ["sample --checkpoint {other} --out {out}/grid.png", "Network.depth: checkpoint 8, model 6"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --guidance -1", "--guidance must be a finite number >= 0"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --steps 0", "--steps must be at least 1"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --steps 5000", "--steps must be at most 1000"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --count 15", "--count 15 must be a multiple of 10"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --sampler euler", "euler"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --percentile 2", "--percentile must be in (0, 1]"],
        ["sample --checkpoint {truncated} --out {out}/grid.png --percentile x", "'x'"],
    };

    private string Expand(string text) => text
        .Replace("{data}", inputs.Data).Replace("{empty}", inputs.Empty).Replace("{flat}", inputs.Flat)
        .Replace("{missing}", inputs.Missing).Replace("{truncated}", inputs.Truncated)
        .Replace("{other}", inputs.OtherArchitecture).Replace("{out}", inputs.Out)
        .Replace("{badfile}", inputs.BadFile).Replace("{bad}", inputs.Bad);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInputGetsAMessageAndExitCodeOneNeverAStackTrace(string arguments, string expected)
    {
        var args = arguments.Split(' ').Select(Expand).ToArray();
        var (code, stdout, stderr) = ExampleCli.Run(TimeSpan.FromMinutes(2), args);
        output.WriteLine($"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");

        Assert.Equal(1, code);
        Assert.Contains(Expand(expected), stderr);
        string all = stdout + stderr;
        Assert.DoesNotContain("Unhandled exception", all);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", all); // a .NET stack frame
        Assert.False(Directory.Exists(Path.Combine(inputs.Out, "checkpoints")), "a refused run wrote checkpoints");
    }

    [Fact]
    public void SkipBadImagesTrainsOnTheRestWithAWarningNamingTheFile()
    {
        string outDir = inputs.Out + "-skip";
        var (code, stdout, stderr) = ExampleCli.Run(TimeSpan.FromMinutes(2),
            "train", "--data", inputs.Bad, "--out", outDir, "--steps", "1", "--batch-size", "2", "--skip-bad-images");
        output.WriteLine($"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Equal(0, code);
        Assert.Contains($"warning: skipped '{inputs.BadFile}'", stderr);
        Assert.Contains("10 images in 10 classes", stdout);
        Assert.True(Directory.Exists(Path.Combine(outDir, "checkpoints", "step-0000001")));
    }
}
