using System;
using System.Collections.Generic;
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
/// The distillation target against a closed form. For Gaussian data x ~ N(mu_y, s^2 I) the exact denoiser is affine in
/// z at each level, eps(z) = c (z - alpha mu) with c = sigma / (alpha^2 s^2 + sigma^2), so a DDIM step at eta = 0,
/// z' = (alpha' / alpha)(z - sigma eps) + sigma' eps (Song et al. 2021, Eq. 12), is z' = A z + B with
/// A = (alpha' / alpha)(1 - sigma c) + sigma' c and B = (alpha' sigma - alpha sigma') c mu. Two of them composed in
/// float64 give z'' and the target x~ = (z'' - (sigma'' / sigma) z) / (alpha'' - (sigma'' / sigma) alpha) (Salimans and
/// Ho 2022, Algorithm 2). A student whose x0_hat is that map has zero loss; one off by d has loss mean(max(SNR, 1)) d^2.
/// </summary>
public class DistillationTargetTests
{
    private static readonly double[] Means = { -0.4, 0.5 };
    private const double Std = 0.3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void A_student_equal_to_the_closed_form_two_step_map_has_zero_loss(int studentSteps)
    {
        var (loss, expected) = Loss(studentSteps, offset: 0.0);
        Assert.Equal(0.0, expected);
        Assert.True(loss < 1e-8, $"loss {loss:E3}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void A_student_off_the_map_by_d_has_the_truncated_snr_weighted_loss(int studentSteps)
    {
        var (loss, expected) = Loss(studentSteps, offset: 0.01);
        Assert.True(expected >= 1e-4, $"expected {expected:E3}");
        Assert.Equal(expected, loss, expected * 1e-3);
    }

    /// <summary>The loss of TinyConditionalStudent (teacher at w = 1, no thresholding) and what the closed form says it is.</summary>
    private static (double Loss, double Expected) Loss(int studentSteps, double offset)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var declared = new TinyGuidedModel();
        var schedule = declared.Schedule;
        var teacher = new OracleTeacher(declared, new GaussianOracle(schedule, Means, Std).Denoiser);
        var student = new TinyConditionalStudent();
        var grid = DistillationGrid.Trailing(schedule, studentSteps);
        var stepOf = Enumerable.Range(0, studentSteps).ToDictionary(i => grid.Start[i]);

        using var data = new Generator(3);
        const int n = 256;
        var labels = randint(0, 2, [n], dtype: ScalarType.Int64, generator: data);
        var mu = tensor(Means, dtype: ScalarType.Float64).index_select(0, labels).reshape(n, 1, 1, 1);
        var x0 = mu + Std * randn([n, 1, 4, 4], dtype: ScalarType.Float64, generator: data);

        var weights = new List<double>();
        Tensor Student(Tensor z, Tensor t, Tensor? y)
        {
            var steps = t.data<long>().ToArray();
            var coefficients = steps.Select(step => TwoStepMap(schedule, grid, stepOf[(int)step])).ToArray();
            weights.AddRange(steps.Select(step => Math.Max(schedule.SignalToNoise[(int)step], 1.0)));
            Tensor Column(Func<(double Slope, double Shift, double Alpha, double Sigma), double> pick) =>
                tensor(coefficients.Select(pick).ToArray(), dtype: ScalarType.Float64).reshape(-1, 1, 1, 1);
            var means = tensor(Means, dtype: ScalarType.Float64).index_select(0, y!).reshape(-1, 1, 1, 1);
            // x~ = slope z + shift mu + offset: the closed form, then off by d
            var target = Column(c => c.Slope) * z + Column(c => c.Shift) * means + offset;
            // The velocity whose x0_hat = alpha z - sigma v is the target: v = (alpha z - x~) / sigma
            return (Column(c => c.Alpha) * z - target) / Column(c => c.Sigma);
        }

        using var generator = new Generator(11);
        var loss = student.DistillationLoss(teacher, studentSteps, x0, labels, generator, Student, Thresholding.None).item<double>();
        return (loss, weights.Average() * offset * offset);
    }

    /// <summary>x~ of student step i as slope z + shift mu, with alpha_t and sigma_t, from the composed affine steps.</summary>
    private static (double Slope, double Shift, double Alpha, double Sigma) TwoStepMap(Diffusion.Runtime.Schedules.NoiseSchedule schedule, DistillationGrid grid, int i)
    {
        (double Alpha, double Sigma) Level(int t) => t < 0 ? (1.0, 0.0) : (schedule.SqrtAlphasCumprod[t], schedule.SqrtOneMinusAlphasCumprod[t]);
        // One DDIM step from level (a, s) to (a2, s2) on the exact denoiser: z2 = A z + B mu.
        (double A, double B) Step((double Alpha, double Sigma) from, (double Alpha, double Sigma) to)
        {
            double c = from.Sigma / (from.Alpha * from.Alpha * Std * Std + from.Sigma * from.Sigma);
            return ((to.Alpha / from.Alpha) * (1 - from.Sigma * c) + to.Sigma * c, (to.Alpha * from.Sigma - from.Alpha * to.Sigma) * c);
        }
        var (start, middle, end) = (Level(grid.Start[i]), Level(grid.Middle[i]), Level(grid.End[i]));
        var first = Step(start, middle);
        var second = Step(middle, end);
        double slope = second.A * first.A, shift = second.A * first.B + second.B;    // z'' = slope z + shift mu
        double ratio = end.Sigma / start.Sigma, denominator = end.Alpha - ratio * start.Alpha;
        return ((slope - ratio) / denominator, shift / denominator, start.Alpha, start.Sigma);
    }
}
