using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Samplers;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Distillation;

/// <summary>
/// What a teacher offers a student (Predict, the guided hub pair) against the generated DDIM step and guidance's
/// Eq. 6, and what a student is made of (FromTeacher, the round adapter).
/// </summary>
public class PredictAndRoundTests
{
    /// <summary>
    /// A DDIM step at eta = 0 written from Predict's (eps, x0_hat), x' = sqrt(abar') x0_hat + sqrt(1 - abar') eps,
    /// equals DdimStep on the guided output eps(x, null) + w (eps(x, y) - eps(x, null)) (Ho and Salimans 2022, Eq. 6).
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(3.5)]
    public void A_ddim_step_from_Predict_equals_DdimStep_on_the_guided_output(double w)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var model = new TinyGuidedModel();
        model.Network.eval();
        var x = randn([6, 1, 4, 4], generator: generator);
        var labels = tensor(new long[] { 0, 1, 0, 1, 1, 0 });
        var nullLabels = full([6], TinyLabelledDit.NullLabel, dtype: ScalarType.Int64);
        const int step = 600, previous = 450;
        var t = full([6], step, dtype: ScalarType.Int64);
        using var noGrad = no_grad();

        var conditional = model.Denoise(x, t, labels);
        var unconditional = model.Denoise(x, t, nullLabels);
        var guided = unconditional + w * (conditional - unconditional);
        var expected = model.DdimStep(x, step, previous, guided, 0.0, generator, Thresholding.None);

        var (noise, cleanSample) = model.Predict(x, t, labels, w);
        double alphaBarPrev = model.Schedule.AlphasCumprod[previous];
        var fromPredict = Math.Sqrt(alphaBarPrev) * cleanSample + Math.Sqrt(1 - alphaBarPrev) * noise;
        Assert.True(fromPredict.allclose(expected, rtol: 1e-5, atol: 1e-5), $"w = {w}: max difference {(fromPredict - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Predict_of_a_model_without_guidance_takes_only_w_1()
    {
        TestTorch.Init();
        var model = new TinyConditionalStudent();
        using var x = zeros(2, 1, 4, 4);
        using var t = full([2], 10, dtype: ScalarType.Int64);
        using var labels = zeros([2], dtype: ScalarType.Int64);
        var refusal = Assert.Throws<ArgumentException>(() => model.Predict(x, t, labels, 2.0));
        Assert.Equal("guidanceScale", refusal.ParamName);
    }

    /// <summary>The guided oracle through Predict is Eq. 6 on the oracle's own outputs.</summary>
    [Fact]
    public void Predict_guides_an_oracle_by_Eq_6()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var model = new TinyGuidedModel();
        var oracle = new GaussianOracle(model.Schedule, new[] { -0.4, 0.5 }, 0.3).Denoiser;
        using var generator = new Generator(8);
        var x = randn([4, 1, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var t = tensor(new long[] { 999, 500, 100, 0 });
        var labels = tensor(new long[] { 0, 1, 1, 0 });
        var (noise, _) = model.Predict(x, t, labels, 2.0, oracle);
        var unconditional = oracle(x, t, null);
        var expected = unconditional + 2.0 * (oracle(x, t, labels) - unconditional);
        Assert.True(noise.allclose(expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void A_guided_student_bakes_the_teachers_scale_in_and_samples_at_1()
    {
        Assert.Equal(2.0, TinyGuidedStudent.TeacherGuidanceScale);
        Assert.Equal(typeof(TinyGuidedModel), TinyGuidedStudent.TeacherType);
        Assert.Equal(1.0, TinyConditionalStudent.TeacherGuidanceScale);
        TestTorch.Init();
        Assert.Equal(1.0, new TinyGuidedStudent().ClassifierFreeGuidanceScale);
        Assert.Null(new TinyConditionalStudent().ClassifierFreeGuidanceScale);
    }

    [Fact]
    public void FromTeacher_copies_the_weights_into_a_network_of_its_own()
    {
        TestTorch.Init();
        var teacher = new TinyGuidedModel();
        var student = TinyGuidedStudent.FromTeacher(teacher);
        var next = TinyGuidedStudent.FromTeacher(student);
        var names = teacher.Network.state_dict().Keys.ToArray();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.True(teacher.Network.state_dict()[name].allclose(student.Network.state_dict()[name], 0, 0), name);
            Assert.True(student.Network.state_dict()[name].allclose(next.Network.state_dict()[name], 0, 0), name);
        }
        using (no_grad())
        {
            foreach (var parameter in student.Network.parameters()) parameter.add_(1.0f);
        }
        foreach (var (name, parameter) in teacher.Network.named_parameters())
            Assert.False(parameter.allclose(student.Network.state_dict()[name], 0, 0), name + " is shared");
    }

    /// <summary>The round's loss is the student's against the frozen teacher; only the student's parameters get gradients.</summary>
    [Fact]
    public void A_round_trains_the_student_against_a_frozen_teacher()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var teacher = new TinyGuidedModel();
        var student = TinyGuidedStudent.FromTeacher(teacher);
        var round = new DistillationRound(student, teacher, 4);
        Assert.Same(student.Network, round.Network);
        Assert.Same(student.Description, round.Description);
        Assert.False(teacher.Network.training);

        using var data = new Generator(2);
        var x0 = randn([8, 1, 4, 4], generator: data).clamp(-1, 1);
        var labels = randint(0, 2, [8], dtype: ScalarType.Int64, generator: data);
        using var first = new Generator(7);
        using var second = new Generator(7);
        var loss = round.TrainingLoss(x0, labels, first);
        Assert.Equal(student.DistillationLoss(teacher, 4, x0, labels, second).item<float>(), loss.item<float>());
        loss.backward();
        Assert.All(teacher.Network.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
        Assert.Contains(student.Network.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);

        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationRound(student, teacher, 501));
        Assert.Throws<ArgumentException>(() => new DistillationRound(student, student, 4));
    }
}
