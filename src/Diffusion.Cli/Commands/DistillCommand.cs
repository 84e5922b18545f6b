using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Diffusion.Cli.Training;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Commands;

/// <summary>
/// distill: progressive distillation (Salimans and Ho 2022, Algorithm 2) of a declared student, round after round, each
/// an ordinary training run of a <see cref="DistillationRound"/> in RUN/round-r-S/ with its grid at S steps.
/// </summary>
internal static class DistillCommand
{
    private const string Tag = "[distill]";

    public static Command Create(ModelCatalog catalog)
    {
        var shared = new TrainingRunOptions("Run folder: one folder round-R-S per round (R from 1, S the student's steps) with checkpoints/, loss.png, loss.csv and grid.png.");
        var model = new StudentOption(catalog);
        var teacher = CliOptions.RequiredPath("--teacher", "A checkpoint, run or release folder of the student's declared teacher: the first round's teacher.");
        var teacherSteps = CliOptions.Positive("--teacher-steps", 64, "DDIM steps of the first round's teacher; round r's student takes teacher-steps / 2^r.");
        var finalSteps = CliOptions.Positive("--final-steps", 4, "The last round's student steps (teacher-steps / final-steps a power of two).");
        var stepsPerRound = CliOptions.Positive("--steps-per-round", 2000, "Optimizer steps of each round.");
        var stopAfter = new Option<int>("--stop-after")
        {
            Description = "Stop (with a checkpoint) after this many optimizer steps of this sitting, across rounds; 0 means no limit. Like --minutes, at a step a rerun reproduces.",
            DefaultValueFactory = _ => 0,
        };
        stopAfter.Validators.Add(result =>
        {
            if (CliOptions.Parsed(result, out int value) && value < 0) result.AddError("--stop-after must be 0 (no limit) or more.");
        });
        var gridCount = SampleGrid.CountOption("--grid-count", "Samples in each round's grid: a multiple of the classes, row i holding class i (default 10 per class); else 64 by default.");
        var noVerify = CliOptions.NoVerify();
        var command = new Command("distill", "Progressive distillation: halve a declared student's DDIM steps round after round, starting from a trained teacher.")
        {
            model.Option, teacher, shared.Data, shared.Output, teacherSteps, finalSteps, stepsPerRound, stopAfter, gridCount,
        };
        shared.AddTo(command);
        command.Add(noVerify);
        CommandAction.Set(command, parse =>
        {
            var clock = Stopwatch.StartNew();    // --minutes covers the whole command
            if (Diffusion.Distributed.Mpi.MpiLaunch.IsLaunched)
                throw new CommandLineException("distill runs in one process: start it without an MPI launcher (only train is data-parallel).");
            var run = new TrainingRun(shared, parse, Tag);
            run.Validate();
            var device = CliOptions.ToDevice(parse.GetValue(shared.Device)!);
            var rounds = DistillationPlan.Rounds(run.OutputDir, parse.GetValue(teacherSteps), parse.GetValue(finalSteps));
            var (entry, student) = model.Resolve(parse);
            int? classes = student.Description.Classes;
            int count = SampleGrid.Count(parse.GetValue(gridCount), classes, "--grid-count");
            foreach (var round in rounds) DistillationGrid.Trailing(student.Schedule, round.StudentSteps);    // every round's grids nest

            // Outputs are checked before minutes of training: a train run is not continued as rounds, and no round
            // replaces a file this command did not write.
            if (PathKinds.Of(run.OutputDir) is PathKind.Regular or PathKind.Special) throw new CommandLineException($"--out {run.OutputDir}: is a file, not a folder.");
            if (new RunFolder(run.OutputDir).List() is { Count: > 0 } trained)
                throw new CommandLineException($"--out {run.OutputDir}: holds a train run (latest checkpoint at step {trained[^1].Step}), not a distill run; choose another folder.");
            string teacherPath = parse.GetValue(teacher)!;
            string[] inputs = CliOptions.Inputs(teacherPath, run.DataDir);
            var outputs = rounds.Select(round => (Round: round, Loss: run.CheckRunFolder(round.Folder),
                Grid: CliOptions.PngOutput(Path.Combine(round.Folder, "grid.png"), "--out", parse.GetValue(shared.Force), inputs))).ToArray();

            bool verify = !parse.GetValue(noVerify);
            var (current, teacherFolder) = LoadedModel.Teacher(catalog, student.TeacherType, student.Description.Name, teacherPath, device, verify, Tag);
            // A resumed run continues only with the teacher, plan and seed it was started with (its rounds hold the student only).
            new DistillationRecord(entry.Name, DistillationRecord.WeightsHash(teacherFolder), parse.GetValue(teacherSteps),
                parse.GetValue(finalSteps), parse.GetValue(stepsPerRound), parse.GetValue(shared.Seed)).WriteOrVerify(run.OutputDir);
            var images = run.LoadImages(student.Description);
            int stepsEach = parse.GetValue(stepsPerRound), left = parse.GetValue(stopAfter) is > 0 and var limit ? limit : int.MaxValue;
            using var stop = new StopSignal(Tag);
            foreach (var (round, (curve, table), grid) in outputs)
            {
                var budget = shared.TimeBudget(parse) - clock.Elapsed;
                long start = LatestStep(round.Folder);
                if (budget <= TimeSpan.Zero || left == 0 || stop.Token.IsCancellationRequested)
                    return Stopped(round, start);
                Console.WriteLine($"{Tag} round {round.Round}: {round.StudentSteps} steps from a teacher at {2 * round.StudentSteps}, in {round.Folder}");

                // The student starts from its teacher's weights (Algorithm 2); a resumed round's checkpoint replaces them.
                var learner = StudentOption.Build(entry);
                NetworkCopy.Of(current.Network, learner.Network);
                int steps = (int)Math.Min(stepsEach, start + (long)left);
                var options = shared.ToTrainingOptions(parse, round.Folder, steps, images, budget);
                var result = run.Train(new DistillationRound(learner, current, round.StudentSteps), images, options, stop, curve, table);
                run.PrintResult(result, images, curve);
                left -= (int)(result.FinalStep - Math.Min(start, result.FinalStep));
                learner.Network.Dispose();
                if (result.FinalStep < stepsEach) return Stopped(round, result.FinalStep);

                // The next teacher is this round's student as sampling uses it: the EMA weights of its last checkpoint,
                // read back so that a resumed run's teacher is the uninterrupted run's, bit for bit.
                current.Network.Dispose();
                current = StudentOption.Build(entry);
                LoadedModel.Load(current, round.Folder, device, verify: true);
                WriteGrid(current, classes, count, round.StudentSteps, parse.GetValue(shared.Seed), device, grid);
                Console.WriteLine(FormattableString.Invariant(
                    $"{Tag} round {round.Round} done: {round.StudentSteps} steps, final loss {result.Losses[^1]:0.000000}, {result.Elapsed:hh\\:mm\\:ss} training; grid {grid}"));
            }
            Console.WriteLine($"{Tag} finished: the {rounds[^1].StudentSteps}-step student is {rounds[^1].Folder} (sample it with --model {entry.Name} --checkpoint {rounds[^1].Folder} --steps {rounds[^1].StudentSteps})");
            return 0;
        });
        return command;
    }

    /// <summary>The step of the newest checkpoint of a round's run folder, 0 for none.</summary>
    private static long LatestStep(string folder) => new RunFolder(folder).List() is { Count: > 0 } list ? list[^1].Step : 0;

    private static int Stopped(DistillationRoundPlan round, long step)
    {
        Console.WriteLine($"{Tag} stopped in round {round.Round} ({round.StudentSteps} steps) at step {step}; continue with --resume");
        return 0;
    }

    /// <summary>The student at its S steps, as sample draws it (DDIM, eta 0, its own guidance weight), one row per class.</summary>
    private static void WriteGrid(IDiffusionModel student, int? classes, int count, int steps, long seed, TorchSharp.torch.Device device, string path)
    {
        using var images = SampleGrid.Sample(student, SamplerKind.Ddim, classes, count, steps, eta: 0, CliOptions.ChooseGuidance(null, student),
            seed, device, Thresholding.Static, percentile: 0.995);
        ImageGrid.Write(images, path, rows: SampleGrid.Rows(classes, count), upscale: SampleGrid.Upscale(student.Description.ImageSize, SampleGrid.CellPixels));
    }
}
