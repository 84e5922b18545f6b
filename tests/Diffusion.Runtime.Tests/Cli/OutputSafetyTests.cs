using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// Nothing a user owns is lost: the example's outputs (release folders, sample grids and strips) never replace an input,
/// its run folder, the current folder or a file the command did not write (unless --force, and never an input even
/// then); a second run into a run folder is refused with a message; and a kill at any moment of a release or a grid
/// write leaves the old or the new output complete under its name.
/// </summary>
public class OutputSafetyTests : IClassFixture<OutputSafetyTests.Run>
{
    /// <summary>A two-step training run (checkpoints at steps 1 and 2) of the example DiT on ten random digits.</summary>
    public sealed class Run : IDisposable
    {
        private readonly TempFolder folder = new();

        public Run()
        {
            Data = ExampleCli.WriteDigits(folder.Combine("data"), perClass: 1);
            Folder = folder.Combine("run");
            var (code, stdout, stderr) = ExampleCli.Run(TimeSpan.FromMinutes(3),
                "train", "--data", Data, "--out", Folder, "--steps", "2", "--batch-size", "4", "--checkpoint-every", "1", "--seed", "3");
            if (code != 0) throw new InvalidOperationException($"fixture training failed ({code}):\n{stdout}\n{stderr}");
        }

        public string Data { get; }
        public string Folder { get; }
        public string Checkpoint(int step) => Path.Combine(Folder, "checkpoints", CheckpointLayout.DirectoryName(step));
        public string NewFolder(string name) => Directory.CreateDirectory(folder.Combine(name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        public void Dispose() => folder.Dispose();
    }

    private readonly Run run;
    private readonly ITestOutputHelper output;

    public OutputSafetyTests(Run run, ITestOutputHelper output)
    {
        this.run = run;
        this.output = output;
    }

    /// <summary>Every file below <paramref name="folder"/> (or the file itself) with its SHA-256.</summary>
    private static Dictionary<string, string> Fingerprint(string folder)
    {
        if (File.Exists(folder)) return new() { [folder] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(folder))) };
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
    }

    private (int Code, string Stdout, string Stderr) Cli(string? workingDirectory, params string[] args)
    {
        var info = ExampleCli.StartInfo(args);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        var result = ExampleCli.Run(info, TimeSpan.FromMinutes(2));
        output.WriteLine($"> {string.Join(' ', args)}\nexit {result.ExitCode}\n{result.Output}\n{result.Error}");
        return result;
    }

    private void AssertRefused((int Code, string Stdout, string Stderr) result, string expected)
    {
        Assert.Equal(1, result.Code);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", result.Stdout + result.Stderr);
    }

    private string[] Sample(string checkpoint, string output, params string[] more) =>
        ["sample", "--checkpoint", checkpoint, "--out", output, "--count", "10", "--steps", "1", .. more];

    [Fact]
    public void ReleaseNeverReplacesAUsersFolderTheInputsOrTheCurrentFolder()
    {
        string user = run.NewFolder("user");
        File.WriteAllText(Path.Combine(user, "thesis.tex"), "years of work");
        Directory.CreateDirectory(Path.Combine(user, "figures"));
        File.WriteAllText(Path.Combine(user, "figures", "f1.txt"), "a figure");
        var before = Fingerprint(user);
        var runBefore = Fingerprint(run.Folder);

        AssertRefused(Cli(null, "release", "--checkpoint", run.Folder, "--out", user), "not empty");
        AssertRefused(Cli(user, "release", "--checkpoint", run.Folder, "--out", "."), "current folder");
        AssertRefused(Cli(user, "release", "--checkpoint", run.Folder, "--out", Path.GetDirectoryName(user)!), "current folder");
        AssertRefused(Cli(null, "release", "--checkpoint", run.Folder, "--out", run.Folder), "is the input");
        AssertRefused(Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", run.Checkpoint(1)), "is the input");
        // The newest checkpoint, reached through the run folder; --force does not lift the protection of inputs.
        AssertRefused(Cli(null, "release", "--checkpoint", run.Folder, "--out", run.Checkpoint(2), "--force"), "input");
        AssertRefused(Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", Path.Combine(run.Folder, "release")), "inside the input");
        AssertRefused(Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", Path.Combine(run.Folder, "checkpoints")), "contains the input");
        // A symlink to the run folder is the run folder.
        string link = Path.Combine(run.NewFolder("links"), "to-run");
        File.CreateSymbolicLink(link, run.Folder);
        AssertRefused(Cli(null, "release", "--checkpoint", run.Folder, "--out", link, "--force"), "input");

        Assert.Equal(before, Fingerprint(user));
        Assert.Equal(runBefore.Where(kv => !kv.Key.StartsWith(".lock", StringComparison.Ordinal)), Fingerprint(run.Folder).Where(kv => !kv.Key.StartsWith(".lock", StringComparison.Ordinal)));

        // Asked for, the user's folder is replaced.
        Assert.Equal(0, Cli(null, "release", "--checkpoint", run.Folder, "--out", user, "--force").Code);
        Assert.True(ReleaseExport.IsRelease(user));
    }

    [Fact]
    public void ReleaseReplacesItsOwnEarlierReleaseOnly()
    {
        string release = Path.Combine(run.NewFolder("releases"), "r");
        Assert.Equal(0, Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", release).Code);
        Assert.Equal(1, CheckpointVerification.Verify(release).Step);
        Assert.Equal(0, Cli(null, "release", "--checkpoint", run.Checkpoint(2), "--out", release).Code);
        Assert.Equal(2, CheckpointVerification.Verify(release).Step);

        // A user's file dropped into a release makes it theirs again.
        File.WriteAllText(Path.Combine(release, "notes.txt"), "mine");
        var before = Fingerprint(release);
        AssertRefused(Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", release), "not empty");
        Assert.Equal(before, Fingerprint(release));
        string file = Path.Combine(run.NewFolder("file"), "weights");
        File.WriteAllText(file, "not a folder");
        AssertRefused(Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", file), "is a file");
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public void SampleNeverReplacesAnInputOrAFileItDidNotWrite()
    {
        string model = Path.Combine(run.Checkpoint(2), CheckpointLayout.ModelFile);
        var runBefore = Fingerprint(Path.Combine(run.Folder, "checkpoints"));
        AssertRefused(Cli(null, Sample(run.Folder, model)), "inside the input");
        AssertRefused(Cli(null, Sample(run.Folder, model, "--force")), "inside the input");
        AssertRefused(Cli(null, Sample(run.Checkpoint(1), Path.Combine(run.Folder, "grid.png"))), "inside the input");
        Assert.Equal(runBefore, Fingerprint(Path.Combine(run.Folder, "checkpoints")));

        string folder = run.NewFolder("grids");
        string photo = Path.Combine(folder, "holiday.png");
        TempFolder.WriteGray(photo, 8, 8, (x, y) => (byte)(x * y));
        var photoBefore = Fingerprint(photo);
        AssertRefused(Cli(null, Sample(run.Folder, photo)), "was not written by this command");
        AssertRefused(Cli(null, Sample(run.Folder, Path.Combine(folder, "grid.png"), "--strip", photo)), "was not written by this command");
        AssertRefused(Cli(null, Sample(run.Folder, folder)), "is a folder");
        Assert.Equal(photoBefore, Fingerprint(photo));
        Assert.False(File.Exists(Path.Combine(folder, "grid.png")), "a refused run wrote its grid");

        // Its own grid is replaced; a user's file only with --force.
        string grid = Path.Combine(folder, "grid.png");
        Assert.Equal(0, Cli(null, Sample(run.Folder, grid)).Code);
        Assert.Equal(0, Cli(null, Sample(run.Folder, grid, "--seed", "5")).Code);
        Assert.Equal(0, Cli(null, Sample(run.Folder, photo, "--force")).Code);
        Assert.NotEqual(photoBefore, Fingerprint(photo));
    }

    [Fact]
    public void ASecondRunIntoARunFolderIsRefusedWithAMessage()
    {
        var before = Fingerprint(Path.Combine(run.Folder, "checkpoints"));
        string[] train = ["train", "--data", run.Data, "--out", run.Folder, "--steps", "4", "--batch-size", "4", "--checkpoint-every", "1", "--seed", "3"];
        AssertRefused(Cli(null, train), "--resume");
        AssertRefused(Cli(null, [.. train[..^1], "4", "--resume"]), "--seed 3");

        // One run holds the folder (paused while writing its step-3 checkpoint); a second is refused, naming the holder.
        using var holder = StartPausedAt("atomic-directory-written", [.. train, "--resume"]);
        try
        {
            AssertRefused(Cli(null, [.. train, "--resume"]), $"in use by process {holder.Id}");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        Assert.Equal(before, Fingerprint(Path.Combine(run.Folder, "checkpoints")).Where(kv => !kv.Key.StartsWith(".tmp-", StringComparison.Ordinal)).ToDictionary());
    }

    [Fact]
    public void OtherCommandsCheckTheirOutputsBeforeWorkAndKeepUsersFiles()
    {
        string folder = run.NewFolder("others");
        string table = Path.Combine(folder, "table.csv"), plot = Path.Combine(folder, "plot.png");
        File.WriteAllText(table, "my,own\n1,2\n");
        TempFolder.WriteGray(plot, 4, 4, (_, _) => 7);
        var before = Fingerprint(folder);
        AssertRefused(Cli(null, "inspect", "--out", table), "was not written by this command");
        AssertRefused(Cli(null, "inspect", "--plot", plot), "was not written by this command");
        Assert.Equal(before, Fingerprint(folder));
        string own = Path.Combine(folder, "own.csv");
        Assert.Equal(0, Cli(null, "inspect", "--out", own).Code);
        Assert.Equal(0, Cli(null, "inspect", "--out", own, "--steps", "10").Code);
        Assert.Equal(11, File.ReadAllLines(own).Length); // the header and 10 respaced steps
        Assert.Equal(0, Cli(null, "inspect", "--out", table, "--force").Code);

        // train: a loss curve it did not draw, an --out that is a file, an --out inside the data: refused before loading anything.
        string runFolder = Directory.CreateDirectory(Path.Combine(folder, "new-run")).FullName;
        string curve = Path.Combine(runFolder, "loss.png");
        TempFolder.WriteGray(curve, 4, 4, (_, _) => 1);
        string[] train = ["train", "--data", run.Data, "--steps", "1", "--batch-size", "4"];
        AssertRefused(Cli(null, [.. train, "--out", runFolder]), "was not written by this command");
        AssertRefused(Cli(null, [.. train, "--out", table]), "is a file, not a folder");
        AssertRefused(Cli(null, [.. train, "--out", Path.Combine(run.Data, "0", "run")]), "inside the input");
        Assert.False(Directory.Exists(Path.Combine(runFolder, "checkpoints")), "a refused run trained");
        Assert.False(Directory.Exists(Path.Combine(run.Data, "0", "run")), "a refused run wrote into the data");

        // train-classifier keeps earlier weights; prepare-data keeps a user's folder.
        string weights = Directory.CreateDirectory(Path.Combine(folder, "classifier")).FullName;
        File.WriteAllText(Path.Combine(weights, "classifier.safetensors"), "earlier weights");
        AssertRefused(Cli(null, "train-classifier", "--data", run.Data, "--out", weights), "was not written by this command");
        AssertRefused(Cli(null, "prepare-data", "--package", run.Data, "--out", folder), "holds other things");
        Assert.Equal("earlier weights", File.ReadAllText(Path.Combine(weights, "classifier.safetensors")));
    }

    [Fact]
    public void ResumingAnOwnRunReplacesItsLossFilesEvenWithoutTheMarker()
    {
        string folder = Path.Combine(run.NewFolder("resume"), "run");
        string[] train = ["train", "--data", run.Data, "--out", folder, "--batch-size", "4", "--seed", "3"];
        Assert.Equal(0, Cli(null, [.. train, "--steps", "1"]).Code);
        // A loss curve from before the runtime marked its PNGs.
        TempFolder.WriteGray(Path.Combine(folder, "loss.png"), 4, 4, (_, _) => 3);
        AssertRefused(Cli(null, [.. train, "--steps", "2"]), "--resume");
        Assert.Equal(0, Cli(null, [.. train, "--steps", "2", "--resume"]).Code);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "loss.csv")).Length); // the header and two steps
    }

    [Fact]
    public void CountsAreBoundedBeforeAllocatingAndOddSettingsAreWarnedAbout()
    {
        string grid = Path.Combine(run.NewFolder("bounds"), "grid.png");
        AssertRefused(Cli(null, "sample", "--checkpoint", run.Folder, "--out", grid, "--count", "2147483640"), "--count 2147483640 is more than 10000");
        Assert.False(File.Exists(grid));
        var result = Cli(null, Sample(run.Folder, grid, "--eta", "5", "--guidance", "1e308"));
        Assert.Equal(0, result.Code);
        Assert.Contains("warning: --eta 5 is above 1", result.Stderr);
        Assert.Contains("warning: --guidance 1E+308 is far above", result.Stderr);
    }

    /// <summary>
    /// SIGKILL while the new release is complete beside the old one, and again right after the swap: each time the
    /// release folder is a whole, verified release (the old one, then the new one), and the next release cleans up.
    /// </summary>
    [Theory]
    [InlineData("atomic-directory-written", 1)]
    [InlineData("atomic-directory-exchanged", 2)]
    public void AKilledReleaseLeavesTheOldOrTheNewReleaseInPlace(string point, int expectedStep)
    {
        string parent = run.NewFolder("killed-release");
        string release = Path.Combine(parent, "r");
        Assert.Equal(0, Cli(null, "release", "--checkpoint", run.Checkpoint(1), "--out", release).Code);

        KillAt(point, "release", "--checkpoint", run.Checkpoint(2), "--out", release);
        Assert.True(ReleaseExport.IsRelease(release), "no whole release under the final name after the kill");
        Assert.Equal(expectedStep, CheckpointVerification.Verify(release).Step);
        Assert.NotEmpty(Directory.GetDirectories(parent, ".tmp-*"));

        Assert.Equal(0, Cli(null, "release", "--checkpoint", run.Checkpoint(2), "--out", release).Code);
        Assert.Equal(2, CheckpointVerification.Verify(release).Step);
        Assert.Equal([release], Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void AKilledSampleLeavesTheOldGridInPlace()
    {
        string folder = run.NewFolder("killed-sample");
        string grid = Path.Combine(folder, "grid.png");
        Assert.Equal(0, Cli(null, Sample(run.Folder, grid)).Code);
        var before = Fingerprint(grid);

        KillAt("atomic-file-written", Sample(run.Folder, grid, "--seed", "9"));
        Assert.Equal(before, Fingerprint(grid));
        Assert.Single(Directory.GetFiles(folder, ".grid.png.tmp-*"));

        Assert.Equal(0, Cli(null, Sample(run.Folder, grid, "--seed", "9")).Code);
        Assert.NotEqual(before, Fingerprint(grid));
        Assert.Equal([grid], Directory.GetFileSystemEntries(folder));
    }

    /// <summary>Runs the command until it pauses at <paramref name="point"/>, then SIGKILLs it.</summary>
    private void KillAt(string point, params string[] args)
    {
        using var process = StartPausedAt(point, args);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Starts the command with the pause hook at <paramref name="point"/> and returns once it waits there.</summary>
    private Process StartPausedAt(string point, string[] args)
    {
        var info = ExampleCli.StartInfo(args);
        info.Environment[TestHooks.Variable] = point;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        string? line;
        while ((line = process.StandardError.ReadLine()) is not null && line != $"[pause] {point}") output.WriteLine(line);
        if (line is null)
        {
            process.WaitForExit();
            int code = process.ExitCode;
            process.Dispose();
            throw new Xunit.Sdk.XunitException($"the command ended (exit code {code}) without reaching {point}");
        }
        return process;
    }
}
