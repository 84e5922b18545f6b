using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace Diffusion.Cli.Training;

/// <summary>One round of a distill run: its number r (from 1), the student's steps S_r and its run folder.</summary>
internal sealed record DistillationRoundPlan(int Round, int StudentSteps, string Folder);

/// <summary>
/// The rounds of progressive distillation (Salimans and Ho 2022, Algorithm 2): round r's student takes
/// S_r = teacher steps / 2^r, halving until the final steps, and trains in the run folder RUN/round-r-S_r/.
/// </summary>
internal static class DistillationPlan
{
    /// <summary>The rounds from <paramref name="teacherSteps"/> down to <paramref name="finalSteps"/>; refuses a plan that does not halve to it.</summary>
    public static IReadOnlyList<DistillationRoundPlan> Rounds(string runDir, int teacherSteps, int finalSteps)
    {
        if (finalSteps >= teacherSteps)
            throw new CommandLineException($"--final-steps {finalSteps} must be below --teacher-steps {teacherSteps}: each round halves the student's steps.");
        if (teacherSteps % finalSteps != 0 || !BitOperations.IsPow2(teacherSteps / finalSteps))
            throw new CommandLineException($"--teacher-steps {teacherSteps} / --final-steps {finalSteps} is not a power of two: each round halves the steps "
                + "(for example 64 and 4: rounds of 32, 16, 8 and 4 steps).");
        var rounds = new List<DistillationRoundPlan>();
        for (int round = 1, steps = teacherSteps / 2; steps >= finalSteps; round++, steps /= 2)
            rounds.Add(new DistillationRoundPlan(round, steps, Path.Combine(runDir, string.Create(CultureInfo.InvariantCulture, $"round-{round}-{steps}"))));
        return rounds;
    }
}
