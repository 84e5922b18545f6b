using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Tests.Checkpoints;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Tests.Training;
using Examples.Mnist.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.MnistExample;

/// <summary>
/// The evaluation CNN's weights (evaluate --classifier, compare-guidance --evaluator) go through the same verified,
/// strict reader as a model's: a bad file is a <see cref="CheckpointException"/> naming it, never a stack trace.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ClassifierWeightsTests
{
    private static string Saved(TempFolder temp)
    {
        string path = temp.Combine("classifier", "classifier.safetensors");
        using var classifier = new MnistClassifier();
        classifier.Save(path);
        return path;
    }

    [Fact]
    public void TheShippedEvaluationClassifierVerifiesAndLoads()
    {
        string path = Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", "evaluation", "classifier.safetensors");
        CheckpointManifest.Verify(Path.GetDirectoryName(path)!, ["classifier.safetensors"]);
        using var classifier = MnistClassifier.Load(path);
        Assert.False(classifier.training);
    }

    [Theory]
    [InlineData("garbage header", "is corrupted")]
    [InlineData("huge header length", "is truncated or not a safetensors file")]
    [InlineData("duplicate key", "twice")]
    public void ABadHeaderIsRefusedNamingTheFileWithOrWithoutMatchingChecksums(string damage, string expected)
    {
        using var temp = new TempFolder();
        string path = Saved(temp);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "garbage header":
                for (int i = 8; i < 40; i++) bytes[i] = (byte)'#';
                break;
            case "huge header length":
                BitConverter.GetBytes(1UL << 62).CopyTo(bytes, 0);
                break;
            default:
                var (header, data) = TestReleases.Split(bytes);
                int end = header.IndexOf('}') + 1; // the first entry, "conv1.weight":{...}
                bytes = TestReleases.Build(header[..end] + "," + header[1..], data);
                break;
        }
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointException>(() => MnistClassifier.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}'", error.Message);

        // With re-stamped checksums, the reader itself refuses it, saying why.
        CheckpointManifest.Stamp(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        error = Assert.Throws<CheckpointException>(() => MnistClassifier.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AClassifierWithoutItsManifestIsRefusedUnlessVerificationIsSkipped()
    {
        using var temp = new TempFolder();
        string path = Saved(temp);
        string manifest = Path.Combine(Path.GetDirectoryName(path)!, CheckpointManifest.FileName);
        File.Delete(manifest);
        var error = Assert.Throws<CheckpointException>(() => MnistClassifier.Load(path));
        Assert.Contains($"'{manifest}' is missing", error.Message);
        using var loaded = MnistClassifier.Load(path, verify: false);
    }

    [Fact]
    public void OtherWeightsOrAnotherDTypeAreRefusedNamingTheKeys()
    {
        using var temp = new TempFolder();
        string path = Saved(temp);
        TestReleases.EditHeader(path, header => header.Replace("\"fc2.bias\"", "\"fc3.bias\""));
        CheckpointManifest.Stamp(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        var error = Assert.Throws<CheckpointException>(() => MnistClassifier.Load(path));
        Assert.Contains("(classifier weights) does not match the model: missing keys [fc2.bias]; unexpected keys [fc3.bias]", error.Message);

        path = temp.Combine("half", "classifier.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var classifier = new MnistClassifier())
        using (var scope = NewDisposeScope())
            SafetensorsFile.Write(path, classifier.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16)));
        CheckpointManifest.Stamp(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        error = Assert.Throws<CheckpointException>(() => MnistClassifier.Load(path));
        Assert.Contains("conv1.weight: file F16, expected F32", error.Message);
    }

    [Fact]
    public void SavingAgainReplacesTheFileAndItsChecksum()
    {
        using var temp = new TempFolder();
        string path = Saved(temp);
        using (var other = new MnistClassifier()) other.Save(path);
        var listed = CheckpointManifest.Read(Path.GetDirectoryName(path)!);
        Assert.Equal(CheckpointManifest.Hash(path), Assert.Single(listed).Value);
        using var loaded = MnistClassifier.Load(path);
    }
}
