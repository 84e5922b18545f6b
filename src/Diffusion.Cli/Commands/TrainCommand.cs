using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Diagnostics;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Commands;

/// <summary>train: AdamW + EMA + gradient clipping on an image folder, with checkpoints and exact resume.</summary>
internal static class TrainCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var data = CliOptions.RequiredPath("--data", "Training images of the model's size and channels: one subfolder per class for a class-conditional model, one flat folder for an unconditional one.");
        var output = CliOptions.RequiredPath("--out", "Run folder: checkpoints/, loss.png and loss.csv are written there.");
        var steps = CliOptions.Positive("--steps", 10000, "Total optimizer steps (with --resume, the total including earlier sittings).");
        var batchSize = CliOptions.Positive("--batch-size", 64, "Images per step.");
        var learningRate = CliOptions.NonNegative("--lr", 1e-3, "AdamW learning rate.");
        var weightDecay = CliOptions.NonNegative("--weight-decay", 0.0, "AdamW decoupled weight decay.");
        var emaDecay = CliOptions.NonNegative("--ema-decay", 0.999, "Decay of the exponential moving average of the weights (sampling uses the EMA).");
        var gradClip = CliOptions.NonNegative("--grad-clip", 1.0, "Clip the global gradient norm to this value (0 disables).");
        var seed = CliOptions.Seed();
        var checkpointEvery = CliOptions.Positive("--checkpoint-every", 500, "Write a checkpoint every this many steps (and at the end).");
        var keepCheckpoints = new Option<int>("--keep-checkpoints") { Description = "Keep only this many newest checkpoints (at least 2 leaves a fallback); 0 keeps all.", DefaultValueFactory = _ => 0 };
        keepCheckpoints.Validators.Add(result =>
        {
            if (CliOptions.Parsed(result, out int value) && value < 0) result.AddError("--keep-checkpoints must be 0 (keep all) or more.");
        });
        var logEvery = CliOptions.Positive("--log-every", 50, "Print a progress line every this many steps when output is not a terminal.");
        var minutes = CliOptions.NonNegative("--minutes", 0, "Stop (with a checkpoint) after this many minutes; 0 means no time limit.");
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint in --out: same step, EMA weights and optimizer state." };
        var skipBadImages = new Option<bool>("--skip-bad-images") { Description = "Skip unreadable, non-PNG or wrongly sized images with a warning instead of stopping at the first." };
        var skipNonFinite = new Option<bool>("--skip-nonfinite") { Description = "Skip a step whose loss is NaN or infinite instead of stopping." };
        var cacheMegabytes = CliOptions.Positive("--cache-mb", 1024, "Decoded images kept in memory, in MiB; a larger folder streams from disk (same batches, same losses).");
        var fit = CliOptions.Fit();
        var device = CliOptions.Device();
        var force = CliOptions.Force();
        var model = ModelOption.Trainable(catalog, "What to train");
        var command = new Command("train", "Train a declared diffusion model or noisy classifier on an image folder.")
        {
            model.Option, data, output, steps, batchSize, learningRate, weightDecay, emaDecay, gradClip, seed, checkpointEvery, keepCheckpoints, logEvery,
            minutes, resume, skipBadImages, skipNonFinite, cacheMegabytes, fit, device, force,
        };
        CommandAction.Set(command, parse =>
        {
            CliOptions.ToDevice(parse.GetValue(device)!);
            string dataDir = parse.GetValue(data)!, outDir = parse.GetValue(output)!;
            CliOptions.RequireDirectory(dataDir, "--data");
            if (parse.GetValue(emaDecay) >= 1) throw new CommandLineException("--ema-decay must be below 1.");
            if (!(parse.GetValue(learningRate) > 0)) throw new CommandLineException("--lr must be above 0.");
            // The run folder's own files are checked before minutes of training: a loss curve or table this command did not write is not replaced.
            if (PathKinds.Of(outDir) is PathKind.Regular or PathKind.Special) throw new CommandLineException($"--out {outDir}: is a file, not a folder.");
            // A run folder that already holds this runtime's checkpoints is the command's own (runs from before the PNG
            // marker included), so resuming one replaces its loss curve and table.
            var checkpoints = new RunFolder(outDir).List();
            if (checkpoints.Count > 0 && !parse.GetValue(resume))
                throw new CommandLineException($"--out {outDir}: already holds a run (latest checkpoint at step {checkpoints[^1].Step}); continue it with --resume, or choose another folder.");
            bool ownRun = checkpoints.Count > 0;
            string curve = OutputPath.CheckFile(Path.Combine(outDir, "loss.png"), "--out", parse.GetValue(force),
                path => ownRun || PngMarker.IsStamped(path), [dataDir]);
            string table = OutputPath.CheckFile(Path.Combine(outDir, "loss.csv"), "--out", parse.GetValue(force),
                path => ownRun || IsOwnLossTable(path), [dataDir]);

            var entry = model.Resolve(parse);
            // The declaration says what the folder must hold; the seeded factory draws the same first weights for the same --seed.
            var trainable = SeededInitialization.Create(entry.Factory, parse.GetValue(seed));
            var declared = trainable.Description;
            ModelData.RequireLayout(dataDir, "--data", declared);
            Console.WriteLine($"[train] {declared.Name}: loading {dataDir} ({ModelData.Describe(declared)})");
            var images = StreamingImageFolder.Open(dataDir, ModelData.Options(declared) with
            {
                SkipBadFiles = parse.GetValue(skipBadImages),
                Fit = CliOptions.ToImageFit(parse.GetValue(fit)!),
            }, parse.GetValue(cacheMegabytes) * (1L << 20));
            foreach (var warning in images.Warnings) Console.Error.WriteLine($"warning: {warning}");
            if (declared.Classes is { } classes)
            {
                // The loader guarantees labels in 0..classes-1; a class with no image at all would be one the model never sees.
                var perClass = new long[classes];
                foreach (long label in images.Labels!) perClass[label]++;
                if (Array.IndexOf(perClass, 0L) is var empty and >= 0)
                    throw new CommandLineException($"--data {dataDir}: no images of class {empty} (folder '{images.ClassNames[empty]}' is missing or was skipped); "
                        + $"the model has {classes} classes, 0..{classes - 1}, and trains on all of them.");
                Console.WriteLine($"[train] {images.Count} images in {images.ClassNames.Count} classes; labels: "
                    + string.Join(", ", images.ClassNames.Select((name, label) => $"{label}={name}")));
            }
            else
            {
                Console.WriteLine($"[train] {images.Count} images");
            }

            Console.WriteLine($"[train] {images.CachedBytes / (1 << 20)} MiB of decoded images kept in memory (--cache-mb {parse.GetValue(cacheMegabytes)})");
            var reporter = new ProgressReporter(parse.GetValue(logEvery));
            var options = new TrainingOptions
            {
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                WeightDecay = parse.GetValue(weightDecay),
                EmaDecay = parse.GetValue(emaDecay),
                GradClip = parse.GetValue(gradClip) > 0 ? parse.GetValue(gradClip) : null,
                Seed = parse.GetValue(seed),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                KeepCheckpoints = parse.GetValue(keepCheckpoints),
                LogEvery = parse.GetValue(logEvery),
                OutputDir = outDir,
                Resume = parse.GetValue(resume),
                Device = parse.GetValue(device)!,
                SkipNonFiniteSteps = parse.GetValue(skipNonFinite),
                ClassNames = images.NumberedClasses ? null : images.ClassNames,
                TimeBudget = parse.GetValue(minutes) > 0 ? TimeSpan.FromMinutes(parse.GetValue(minutes)) : null,
                OnProgress = reporter.Report,
            };
            options.Validate();

            using var stop = new CancellationTokenSource();
            // Ctrl+C and SIGTERM stop like the time budget: after the current step, with a checkpoint of it.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                Console.Error.WriteLine($"[train] {context.Signal}: stopping after the current step");
                stop.Cancel();
            }
            var result = new Trainer(trainable, images, options).Run(stop.Token);

            LossCurve.Write(result.Losses, curve, $"{trainable.Description.Name} training loss (batch {options.BatchSize}, lr {options.LearningRate})", averageWindow: 50);
            AtomicFile.WriteText(table, string.Join('\n', [LossTableHeader, .. LossLines(result.Losses)]) + "\n");
            Console.WriteLine(result.Cancelled
                ? $"[train] stopped (time budget or signal) at step {result.FinalStep}: checkpoint {result.LastCheckpoint}"
                : $"[train] finished step {result.FinalStep}: checkpoint {result.LastCheckpoint}");
            Console.WriteLine($"[train] {result.ImagesPerSecond:F1} images/s over {result.Elapsed}; loss curve {curve}");
            Console.WriteLine($"[train] peak resident memory {ProcessMemory.PeakMib():F0} MiB; {images.Decodes} images decoded during training");
            return 0;
        });
        return command;
    }

    private const string LossTableHeader = "step,loss";

    private static bool IsOwnLossTable(string path) =>
        PathKinds.Of(path) == PathKind.Regular && File.ReadLines(path).FirstOrDefault() == LossTableHeader;

    private static string[] LossLines(System.Collections.Generic.IReadOnlyList<double> losses)
    {
        var lines = new string[losses.Count];
        for (int i = 0; i < losses.Count; i++) lines[i] = FormattableString.Invariant($"{i + 1},{losses[i]:R}");
        return lines;
    }
}
