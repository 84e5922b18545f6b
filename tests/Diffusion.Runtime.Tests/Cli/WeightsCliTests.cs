using System;
using System.IO;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// The commands that load weights, run as a user runs them: the shipped reference verifies; a release without
/// SHA256SUMS is refused whatever its version unless --no-verify (which warns); a damaged evaluation classifier is a
/// message naming the file, never a stack trace.
/// </summary>
public class WeightsCliTests
{
    private readonly ITestOutputHelper output;

    public WeightsCliTests(ITestOutputHelper output) => this.output = output;

    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    private static string Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var result = ExampleCli.Run(TimeSpan.FromMinutes(3), args);
        output.WriteLine($"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
        Assert.DoesNotContain("Unhandled exception", result.Output + result.Error);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", result.Output + result.Error);
        return result;
    }

    [Fact]
    public void AReferenceWithoutItsManifestIsRefusedEvenAtVersion1UnlessNoVerifyWhichWarns()
    {
        using var folder = new TempFolder();
        string release = Copy(Example("reference"), folder.Combine("unverified"));
        File.Delete(Path.Combine(release, CheckpointManifest.FileName));
        string config = Path.Combine(release, CheckpointLayout.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"version\": 2", "\"version\": 1"));

        var refused = Run("sample", "--checkpoint", release, "--count", "10", "--steps", "1", "--out", folder.Combine("refused.png"));
        Assert.Equal(1, refused.Code);
        Assert.Contains($"'{Path.Combine(release, CheckpointManifest.FileName)}' is missing", refused.Error);
        Assert.False(File.Exists(folder.Combine("refused.png")));

        var loaded = Run("sample", "--checkpoint", release, "--count", "10", "--steps", "1", "--no-verify", "--out", folder.Combine("unverified.png"));
        Assert.Equal(0, loaded.Code);
        Assert.Contains($"warning: --no-verify: checksums of '{release}' are not checked", loaded.Error);
        Assert.True(File.Exists(folder.Combine("unverified.png")));

        // The shipped reference itself verifies, and samples exactly what its unverified copy does.
        var verified = Run("sample", "--checkpoint", Example("reference"), "--count", "10", "--steps", "1", "--out", folder.Combine("verified.png"));
        Assert.Equal(0, verified.Code);
        Assert.DoesNotContain("warning", verified.Error);
        Assert.Equal(File.ReadAllBytes(folder.Combine("unverified.png")), File.ReadAllBytes(folder.Combine("verified.png")));
    }

    [Fact]
    public void ADamagedEvaluationClassifierIsAMessageNamingTheFile()
    {
        using var folder = new TempFolder();
        string classifier = Copy(Example("evaluation"), folder.Combine("evaluation"));
        string path = Path.Combine(classifier, "classifier.safetensors");
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(1UL << 62).CopyTo(bytes, 0); // a header length that once asked for exabytes
        File.WriteAllBytes(path, bytes);
        CheckpointManifest.Stamp(classifier, "classifier.safetensors"); // so the reader, not the checksum, meets it

        var result = Run("evaluate", "--checkpoint", Example("reference"), "--classifier", classifier, "--per-class", "1", "--steps", "1");
        Assert.Equal(1, result.Code);
        Assert.Contains($"error: Checkpoint file '{path}' is truncated or not a safetensors file", result.Error);
    }
}
