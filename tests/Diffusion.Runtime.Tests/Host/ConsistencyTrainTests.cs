using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// train on tests/HostTestApp's consistency models: RgbConsistency trains by consistency training and samples with the
/// consistency sampler in one and in two steps; RgbConsistencyDistilled needs --teacher (a checkpoint of its declared
/// teacher) and distils from it; --teacher on any other model is refused.
/// </summary>
public class ConsistencyTrainTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    [Fact]
    public void Consistency_training_and_distillation_run_from_train_and_sample_in_one_and_two_steps()
    {
        using var folder = new TempFolder();
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 8);
        string[] Train(string model, string run, params string[] more) =>
            ["train", "--model", model, "--data", data, "--out", run, "--steps", "3", "--batch-size", "4", .. more];

        string trained = folder.Combine("ct");
        var ct = Run(Train("RgbConsistency", trained));
        Assert.Equal(0, ct.ExitCode);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(trained, "loss.csv")).Length);    // header and 3 steps
        foreach (var steps in new[] { "1", "2" })
        {
            var sample = Run("sample", "--model", "RgbConsistency", "--checkpoint", trained, "--sampler", "consistency",
                "--steps", steps, "--count", "4", "--out", folder.Combine($"ct-{steps}.png"));
            Assert.Equal(0, sample.ExitCode);
            Assert.True(File.Exists(folder.Combine($"ct-{steps}.png")));
        }

        // Distillation needs its declared teacher; the teacher trained 2 steps is a real checkpoint of it.
        HostApp.AssertRefused(Run(Train("RgbConsistencyDistilled", folder.Combine("cd-none"))),
            "--teacher is needed: RgbConsistencyDistilled is distilled from RgbVelocityDiffusion");
        string teacher = folder.Combine("teacher");
        Assert.Equal(0, Run("train", "--model", "RgbVelocityDiffusion", "--data", data, "--out", teacher, "--steps", "2", "--batch-size", "4").ExitCode);
        var cd = Run(Train("RgbConsistencyDistilled", folder.Combine("cd"), "--teacher", teacher));
        Assert.Equal(0, cd.ExitCode);
        Assert.Contains("[train] teacher RgbVelocityDiffusion from", cd.Output);

        // The student starts as its teacher: after one step at a vanishing rate its weights are the teacher's EMA weights
        // (a student drawn from the seed instead differs from them by the teacher's two training steps, about 1e-3).
        string started = folder.Combine("cd-start");
        Assert.Equal(0, Run("train", "--model", "RgbConsistencyDistilled", "--data", data, "--out", started, "--steps", "1",
            "--batch-size", "4", "--lr", "1e-12", "--teacher", teacher).ExitCode);
        var teacherWeights = SafetensorsFile.Read(Path.Combine(teacher, "checkpoints", "step-0000002", "ema.safetensors"));
        var studentWeights = SafetensorsFile.Read(Path.Combine(started, "checkpoints", "step-0000001", "model.safetensors"));
        Assert.Equal(teacherWeights.Keys.Order(), studentWeights.Keys.Order());
        foreach (var (name, weight) in teacherWeights)
            Assert.True(weight.allclose(studentWeights[name], rtol: 0, atol: 1e-8), name + " is not the teacher's");

        HostApp.AssertRefused(Run(Train("RgbConsistency", folder.Combine("ct-teacher"), "--teacher", teacher)),
            "--teacher: RgbConsistency is trained from data");
        HostApp.AssertRefused(Run(Train("RgbDiffusion", folder.Combine("plain"), "--teacher", teacher)),
            "--teacher: RgbDiffusion is not a consistency model distilled from a teacher");
    }
}
