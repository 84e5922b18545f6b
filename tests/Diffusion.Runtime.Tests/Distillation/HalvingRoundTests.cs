using System;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Toy;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Distillation;

/// <summary>
/// One halving round of progressive distillation (Salimans and Ho 2022, Algorithm 2) on the 2-D ring: a briefly trained
/// velocity teacher, its student copied from it, and the round's loss minimised for a few hundred steps. Before the
/// round the student at S steps is the teacher's own network at S steps; after it, the student's S-step samples must
/// lie much closer to the teacher's 2S-step samples from the same x_T, which is what the round is for.
/// </summary>
public class HalvingRoundTests(ITestOutputHelper output)
{
    private const int StudentSteps = 2;
    private const int Points = 512;

    [Fact]
    public void One_round_brings_the_students_S_steps_close_to_the_teachers_2S_steps()
    {
        TestTorch.Init();
        torch.set_num_threads(1);    // a small network: one thread is faster and the test is reproducible
        try
        {
            var teacher = new ToyRingTeacher();
            Train(teacher, steps: 400, (x0, generator) => teacher.TrainingLoss(x0, null, generator));
            teacher.Network.eval();
            var student = ToyRingStudent.FromTeacher(teacher);
            double before = DistanceToTeacher(student, teacher);

            Train(student, steps: 200, (x0, generator) =>
                student.DistillationLoss(teacher, StudentSteps, x0, null, generator, teacherThresholding: Thresholding.None),
                learningRate: 1e-3);
            student.Network.eval();
            double after = DistanceToTeacher(student, teacher);

            output.WriteLine($"mean squared distance of the student's {StudentSteps}-step samples to the teacher's " +
                             $"{2 * StudentSteps}-step samples: {before:F5} before the round, {after:F5} after");
            Assert.True(before > 1e-3, $"the teacher's {2 * StudentSteps} and {StudentSteps} steps should differ at the start ({before})");
            Assert.True(after < 0.25 * before, $"the round should bring the student close to its teacher: {before} -> {after}");
        }
        finally
        {
            torch.set_num_threads(2);
        }
    }

    /// <summary>AdamW on fresh ring samples each step, every draw from seeded local generators.</summary>
    private static void Train(IDiffusionModel model, int steps, Func<Tensor, Generator, Tensor> loss, double learningRate = 3e-3)
    {
        using var data = new Generator(11);
        using var draws = new Generator(12);
        model.Network.train();
        using var optimizer = optim.AdamW(model.Network.parameters(), lr: learningRate, weight_decay: 0);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            loss(RingMixture.Sample(256, data), draws).backward();
            nn.utils.clip_grad_norm_(model.Network.parameters(), 1.0);
            optimizer.step();
        }
    }

    /// <summary>
    /// Mean squared distance between the student's generated DDIM sampler at S steps and the teacher's DDIM at 2S steps
    /// on the same trailing grid (the one the round trained on), both from the same x_T and without thresholding.
    /// </summary>
    private static double DistanceToTeacher(ToyRingStudent student, ToyRingTeacher teacher)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var forStudent = new Generator(21);
        var fromStudent = student.Sample(SamplerKind.Ddim,
            new SampleRequest(Points, Steps: StudentSteps) { Thresholding = Thresholding.None }, forStudent);

        using var forTeacher = new Generator(21);
        var x = randn([Points, 2, 1, 1], generator: forTeacher);    // the same x_T: the sampler's first draw
        var steps = DistillationGrid.SamplerSteps(ToySchedule.Timesteps, 2 * StudentSteps);
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            var t = full([Points], steps[i], dtype: ScalarType.Int64);
            var velocity = teacher.Denoise(x, t, null);
            x = teacher.DdimStep(x, steps[i], i > 0 ? steps[i - 1] : -1, velocity, 0.0, forTeacher, Thresholding.None);
        }
        return (fromStudent - x).pow(2).sum([1, 2, 3]).mean().item<float>();
    }
}
