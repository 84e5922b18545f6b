using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Schedules;
using Diffusion.Runtime.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Distillation;

/// <summary>The nested trailing grids of a distillation round (Salimans and Ho 2022, Algorithm 2: t' between t and t'').</summary>
public class DistillationGridTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Linear(1000);

    /// <summary>
    /// For T = 1000 and S = 1, 2, 4, ..., 256 the teacher's 2S grid holds the student's S grid at its even entries (S = 512
    /// would need a teacher of 1024 of the 1000 steps: refused below).
    /// </summary>
    [Fact]
    public void Power_of_two_grids_nest_with_the_teachers_midpoint_strictly_between()
    {
        for (int s = 1; s <= 256; s *= 2)
        {
            var student = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, s);
            var teacher = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, 2 * s);
            Assert.Equal(student, teacher.Where((_, k) => k % 2 == 0).ToArray());

            var grid = DistillationGrid.Trailing(Schedule, s);
            Assert.Equal(s, grid.StudentSteps);
            Assert.Equal(student.Select(t => (int)t), grid.Start);
            Assert.Equal(teacher.Where((_, k) => k % 2 == 1).Select(t => (int)t), grid.Middle);
            Assert.Equal(999, grid.Start[0]);
            Assert.Equal(-1, grid.End[^1]);
            for (int i = 0; i < s; i++)
            {
                Assert.True(grid.Start[i] > grid.Middle[i] && grid.Middle[i] > grid.End[i], $"S = {s}, step {i}");
                if (i + 1 < s) Assert.Equal(grid.Start[i + 1], grid.End[i]);
            }
        }
    }

    /// <summary>Every S of 1..500 is accepted exactly when its grids nest, and a refusal says why.</summary>
    [Fact]
    public void Trailing_accepts_exactly_the_step_counts_whose_grids_nest()
    {
        int accepted = 0;
        for (int s = 1; s <= 500; s++)
        {
            var student = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, s);
            var teacher = InferenceTimesteps.Spaced(TimestepSpacing.Trailing, 1000, 2 * s);
            bool nests = student.SequenceEqual(teacher.Where((_, k) => k % 2 == 0));
            if (nests)
            {
                DistillationGrid.Trailing(Schedule, s);
                accepted++;
            }
            else
            {
                var refusal = Assert.Throws<ArgumentException>(() => DistillationGrid.Trailing(Schedule, s));
                Assert.Contains("does not contain the student's", refusal.Message);
            }
        }
        Assert.True(accepted >= 10, $"only {accepted} step counts nest");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    [InlineData(512)]
    public void A_student_of_more_than_half_the_training_steps_is_refused(int steps)
    {
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => DistillationGrid.Trailing(Schedule, steps));
        Assert.Contains("use S in 1..500", refusal.Message);
    }

    /// <summary>The student's sampler visits the S grid, ascending, as the sampling loop takes it.</summary>
    [Fact]
    public void Sampler_steps_are_the_student_grid_ascending()
    {
        var grid = DistillationGrid.Trailing(Schedule, 8);
        Assert.Equal(grid.Start.Reverse(), DistillationGrid.SamplerSteps(1000, 8));
        Assert.Equal(new[] { 124, 249, 374, 499, 624, 749, 874, 999 }, DistillationGrid.SamplerSteps(1000, 8));
    }
}
