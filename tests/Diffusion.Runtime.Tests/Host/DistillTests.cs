using System.IO;
using System.Linq;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// The distill command on tests/HostTestApp's student (RgbDistilled, of the velocity RGB DiT RgbVelocityDiffusion, T =
/// 100): rounds from a teacher trained a few steps with train, a grid per round, the final round sampled and released,
/// its refusals, and resume at a step inside a round and across a round boundary giving the uninterrupted losses.
/// </summary>
public class DistillTests(ITestOutputHelper output)
{
    private (int ExitCode, string Output, string Error) Run(params string[] args) => HostApp.Run(output, args);

    private static void AssertRefused((int ExitCode, string Output, string Error) result, params string[] expected) =>
        HostApp.AssertRefused(result, expected);

    /// <summary>12 RGB images and a velocity teacher trained 6 steps on them with train.</summary>
    private (string Data, string Teacher) Teacher(TempFolder folder)
    {
        string data = HostApp.WriteRgb(folder.Combine("rgb"), count: 12);
        string teacher = folder.Combine("teacher");
        var train = Run("train", "--model", "RgbVelocityDiffusion", "--data", data, "--out", teacher, "--steps", "6", "--batch-size", "4");
        Assert.Equal(0, train.ExitCode);
        return (data, teacher);
    }

    /// <summary>Two rounds, 8 teacher steps down to 2: round-1-4 and round-2-2, 6 steps each.</summary>
    private static string[] Distill(string data, string teacher, string run, params string[] more) =>
        ["distill", "--teacher", teacher, "--data", data, "--out", run, "--teacher-steps", "8", "--final-steps", "2",
         "--steps-per-round", "6", "--batch-size", "4", "--checkpoint-every", "3", "--grid-count", "4", "--log-every", "2", .. more];

    [Fact]
    public void Two_rounds_halve_the_steps_write_a_grid_each_and_the_last_samples_and_releases()
    {
        using var folder = new TempFolder();
        var (data, teacher) = Teacher(folder);
        string run = folder.Combine("distilled");

        var distill = Run(Distill(data, teacher, run));    // the only student: no --model needed
        Assert.Equal(0, distill.ExitCode);
        Assert.Contains("[distill] round 1: 4 steps from a teacher at 8", distill.Output);
        Assert.Contains("[distill] round 2: 2 steps from a teacher at 4", distill.Output);
        Assert.Matches(@"\[distill\] round 2 done: 2 steps, final loss \d+\.\d{6}, ", distill.Output);
        foreach (var round in new[] { "round-1-4", "round-2-2" })
        {
            // 4 unconditional samples in a 2 x 2 square, each 16 px shown at 4x, 2 px padding: as sample draws them.
            Assert.Equal((2 * (16 * 4 + 2) + 2, 2 * (16 * 4 + 2) + 2), HostApp.PngSize(Path.Combine(run, round, "grid.png")));
            Assert.Equal(7, File.ReadAllLines(Path.Combine(run, round, "loss.csv")).Length);    // header and 6 steps
            Assert.True(File.Exists(Path.Combine(run, round, "checkpoints", "step-0000006", "config.json")));
        }

        // The last round's folder is an ordinary run of the student: sample and release take it.
        var sample = Run("sample", "--model", "RgbDistilled", "--checkpoint", Path.Combine(run, "round-2-2"), "--steps", "2", "--count", "4", "--out", folder.Combine("grid.png"));
        Assert.Equal(0, sample.ExitCode);
        Assert.Contains("Ddim with 2 steps, eta 0, guidance 1,", sample.Output);
        var release = Run("release", "--model", "RgbDistilled", "--checkpoint", Path.Combine(run, "round-2-2"), "--out", folder.Combine("release"));
        Assert.Equal(0, release.ExitCode);
        Assert.Equal(0, Run("sample", "--model", "RgbDistilled", "--checkpoint", folder.Combine("release"), "--steps", "2", "--count", "4", "--out", folder.Combine("released.png")).ExitCode);

        // A finished run is not overwritten by a new one.
        AssertRefused(Run(Distill(data, teacher, run)), $"--out {Path.Combine(run, "round-1-4")}: already holds a run (latest checkpoint at step 6); continue it with --resume");
    }

    [Fact]
    public void Resume_inside_a_round_and_across_a_round_boundary_gives_the_uninterrupted_losses_and_grids()
    {
        using var folder = new TempFolder();
        var (data, teacher) = Teacher(folder);
        string straight = folder.Combine("straight"), resumed = folder.Combine("resumed");
        Assert.Equal(0, Run(Distill(data, teacher, straight)).ExitCode);

        // Step 4 of round 1 lies between its checkpoints (3 and 6); the second sitting ends round 1 and stops at step 1 of
        // round 2, whose teacher is then rebuilt from round 1's last checkpoint by the third.
        var first = Run(Distill(data, teacher, resumed, "--stop-after", "4"));
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("[distill] stopped in round 1 (4 steps) at step 4; continue with --resume", first.Output);
        Assert.False(File.Exists(Path.Combine(resumed, "round-1-4", "grid.png")));

        // RUN/distill.json holds what the run was started with: another seed, plan or teacher is refused on resume.
        string record = Path.Combine(resumed, "distill.json");
        AssertRefused(Run(Distill(data, teacher, resumed, "--resume", "--seed", "5")),
            $"{record}: the run was started with --seed 0, this command gives 5; resume with the same --seed, or choose another --out.");
        var longerRounds = Distill(data, teacher, resumed, "--resume");
        longerRounds[System.Array.IndexOf(longerRounds, "--steps-per-round") + 1] = "7";
        AssertRefused(Run(longerRounds),
            $"{record}: the run was started with --steps-per-round 6, this command gives 7;");
        string otherTeacher = folder.Combine("other-teacher");
        Assert.Equal(0, Run("train", "--model", "RgbVelocityDiffusion", "--data", data, "--out", otherTeacher, "--steps", "1", "--batch-size", "4").ExitCode);
        AssertRefused(Run(Distill(data, otherTeacher, resumed, "--resume")), $"{record}: the run was started with --teacher weights ");

        var second = Run(Distill(data, teacher, resumed, "--stop-after", "3", "--resume"));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("[distill] stopped in round 2 (2 steps) at step 1; continue with --resume", second.Output);
        var third = Run(Distill(data, teacher, resumed, "--resume"));
        Assert.Equal(0, third.ExitCode);
        Assert.Contains("[distill] finished", third.Output);

        foreach (var round in new[] { "round-1-4", "round-2-2" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(straight, round, "loss.csv")), File.ReadAllText(Path.Combine(resumed, round, "loss.csv")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, round, "grid.png")), File.ReadAllBytes(Path.Combine(resumed, round, "grid.png")));
        }
        // The losses are the student's own: round 2 learns a different target from round 1.
        Assert.NotEqual(File.ReadAllLines(Path.Combine(straight, "round-1-4", "loss.csv")).Skip(1), File.ReadAllLines(Path.Combine(straight, "round-2-2", "loss.csv")).Skip(1));
    }

    [Fact]
    public void A_model_that_is_no_student_a_teacher_of_another_model_a_plan_that_does_not_halve_and_a_train_run_are_refused()
    {
        using var folder = new TempFolder();
        var (data, teacher) = Teacher(folder);
        string run = folder.Combine("distilled");

        AssertRefused(Run([.. Distill(data, teacher, run), "--model", "RgbDiffusion"]),
            "--model RgbDiffusion: RgbDiffusion is not a progressive-distillation student; this program declares RgbDistilled.");
        AssertRefused(Run([.. Distill(data, teacher, run), "--model", "NoSuchModel"]), "--model NoSuchModel: no such model; this program declares RgbDistilled.");

        // A checkpoint of the noise-predicting RgbDiffusion is not the declared teacher's: refused naming its config.json.
        string other = folder.Combine("other");
        Assert.Equal(0, Run("train", "--model", "RgbDiffusion", "--data", data, "--out", other, "--steps", "1", "--batch-size", "4").ExitCode);
        string config = Path.Combine(other, "checkpoints", "step-0000001", "config.json");
        AssertRefused(Run(["distill", "--teacher", other, "--data", data, "--out", run, "--teacher-steps", "8", "--final-steps", "2"]),
            $"'{config}' was written for another model: Name: checkpoint 'RgbDiffusion', model 'RgbVelocityDiffusion'; Predicts: checkpoint Noise, model Velocity");

        AssertRefused(Run(["distill", "--teacher", teacher, "--data", data, "--out", run, "--teacher-steps", "8", "--final-steps", "8"]),
            "--final-steps 8 must be below --teacher-steps 8");
        AssertRefused(Run(["distill", "--teacher", teacher, "--data", data, "--out", run, "--teacher-steps", "12", "--final-steps", "4"]),
            "--teacher-steps 12 / --final-steps 4 is not a power of two");
        // The teacher's own run folder holds a train run: distill does not write rounds beside it.
        AssertRefused(Run(["distill", "--teacher", teacher, "--data", data, "--out", other, "--teacher-steps", "8", "--final-steps", "2"]),
            $"--out {other}: holds a train run (latest checkpoint at step 1), not a distill run; choose another folder.");
        Assert.False(Directory.Exists(run));
    }
}
