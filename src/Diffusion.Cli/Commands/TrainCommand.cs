using System.CommandLine;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Commands;

/// <summary>train: AdamW + EMA + gradient clipping on an image folder, with checkpoints and exact resume.</summary>
internal static class TrainCommand
{
    private const string Tag = "[train]";

    public static Command Create(ModelCatalog catalog)
    {
        var shared = new TrainingRunOptions("Run folder: checkpoints/, loss.png and loss.csv are written there.");
        var steps = CliOptions.Positive("--steps", 10000, "Total optimizer steps (with --resume, the total including earlier sittings).");
        var model = ModelOption.Trainable(catalog, "What to train");
        var command = new Command("train", "Train a declared diffusion model or noisy classifier on an image folder.") { model.Option, shared.Data, shared.Output, steps };
        shared.AddTo(command);
        CommandAction.Set(command, parse =>
        {
            var run = new TrainingRun(shared, parse, Tag);
            run.Validate();
            // The run folder's own files are checked before minutes of training: a loss curve or table this command did not write is not replaced.
            var (curve, table) = run.CheckRunFolder(run.OutputDir);

            // The declaration says what the folder must hold; the seeded factory draws the same first weights for the same --seed.
            var trainable = SeededInitialization.Create(model.Resolve(parse).Factory, parse.GetValue(shared.Seed));
            var images = run.LoadImages(trainable.Description);
            var options = shared.ToTrainingOptions(parse, run.OutputDir, parse.GetValue(steps), images, shared.TimeBudget(parse));
            using var stop = new StopSignal(Tag);
            var result = run.Train(trainable, images, options, stop, curve, table);
            run.PrintResult(result, images, curve);
            return 0;
        });
        return command;
    }
}
