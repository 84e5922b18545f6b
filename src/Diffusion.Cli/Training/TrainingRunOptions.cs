using System;
using System.CommandLine;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Training;

/// <summary>
/// The options of a command that runs the <see cref="Trainer"/> on an image folder (train, distill): what data, how to
/// optimize, how often to checkpoint and log, when to stop, how to load images. Spelled, described and checked once.
/// </summary>
internal sealed class TrainingRunOptions
{
    public TrainingRunOptions(string output)
    {
        Output = CliOptions.RequiredPath("--out", output);
        KeepCheckpoints.Validators.Add(result =>
        {
            if (CliOptions.Parsed(result, out int value) && value < 0) result.AddError("--keep-checkpoints must be 0 (keep all) or more.");
        });
    }

    public Option<string> Data { get; } = CliOptions.RequiredPath("--data", "Training images of the model's size and channels: one subfolder per class for a class-conditional model, one flat folder for an unconditional one.");

    public Option<string> Output { get; }

    public Option<int> BatchSize { get; } = CliOptions.Positive("--batch-size", 64, "Images per step.");

    public Option<double> LearningRate { get; } = CliOptions.NonNegative("--lr", 1e-3, "AdamW learning rate.");

    public Option<double> WeightDecay { get; } = CliOptions.NonNegative("--weight-decay", 0.0, "AdamW decoupled weight decay.");

    public Option<double> EmaDecay { get; } = CliOptions.NonNegative("--ema-decay", 0.999, "Decay of the exponential moving average of the weights (sampling uses the EMA).");

    public Option<double> GradClip { get; } = CliOptions.NonNegative("--grad-clip", 1.0, "Clip the global gradient norm to this value (0 disables).");

    public Option<long> Seed { get; } = CliOptions.Seed();

    public Option<int> CheckpointEvery { get; } = CliOptions.Positive("--checkpoint-every", 500, "Write a checkpoint every this many steps (and at the end).");

    public Option<int> KeepCheckpoints { get; } = new("--keep-checkpoints") { Description = "Keep only this many newest checkpoints (at least 2 leaves a fallback); 0 keeps all.", DefaultValueFactory = _ => 0 };

    public Option<int> LogEvery { get; } = CliOptions.Positive("--log-every", 50, "Print a progress line every this many steps when output is not a terminal.");

    public Option<double> Minutes { get; } = CliOptions.NonNegative("--minutes", 0, "Stop (with a checkpoint) after this many minutes; 0 means no time limit.");

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the latest checkpoint in --out: same step, EMA weights and optimizer state." };

    public Option<bool> SkipBadImages { get; } = new("--skip-bad-images") { Description = "Skip unreadable, non-PNG or wrongly sized images with a warning instead of stopping at the first." };

    public Option<bool> SkipNonFinite { get; } = new("--skip-nonfinite") { Description = "Skip a step whose loss is NaN or infinite instead of stopping." };

    public Option<int> CacheMegabytes { get; } = CliOptions.Positive("--cache-mb", 1024, "Decoded images kept in memory, in MiB; a larger folder streams from disk (same batches, same losses).");

    public Option<string> Fit { get; } = CliOptions.Fit();

    public Option<string> Device { get; } = CliOptions.Device();

    public Option<bool> Force { get; } = CliOptions.Force();

    /// <summary>Adds the optimization, checkpoint, stopping and loading options (not --data and --out) to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        Option[] options = [BatchSize, LearningRate, WeightDecay, EmaDecay, GradClip, Seed, CheckpointEvery, KeepCheckpoints, LogEvery,
            Minutes, Resume, SkipBadImages, SkipNonFinite, CacheMegabytes, Fit, Device, Force];
        foreach (var option in options) command.Add(option);
    }

    /// <summary>The time budget of --minutes, or null for none.</summary>
    public TimeSpan? TimeBudget(ParseResult parse) => parse.GetValue(Minutes) > 0 ? TimeSpan.FromMinutes(parse.GetValue(Minutes)) : null;

    /// <summary>
    /// The trainer's options for <paramref name="steps"/> steps into <paramref name="outputDir"/>, from the command line
    /// (the --minutes budget replaced by <paramref name="timeBudget"/> where a command shares it between runs).
    /// </summary>
    public TrainingOptions ToTrainingOptions(ParseResult parse, string outputDir, int steps, StreamingImageFolder images, TimeSpan? timeBudget)
    {
        var reporter = new ProgressReporter(parse.GetValue(LogEvery));
        var options = new TrainingOptions
        {
            Steps = steps,
            BatchSize = parse.GetValue(BatchSize),
            LearningRate = parse.GetValue(LearningRate),
            WeightDecay = parse.GetValue(WeightDecay),
            EmaDecay = parse.GetValue(EmaDecay),
            GradClip = parse.GetValue(GradClip) > 0 ? parse.GetValue(GradClip) : null,
            Seed = parse.GetValue(Seed),
            CheckpointEvery = parse.GetValue(CheckpointEvery),
            KeepCheckpoints = parse.GetValue(KeepCheckpoints),
            LogEvery = parse.GetValue(LogEvery),
            OutputDir = outputDir,
            Resume = parse.GetValue(Resume),
            Device = parse.GetValue(Device)!,
            SkipNonFiniteSteps = parse.GetValue(SkipNonFinite),
            ClassNames = images.NumberedClasses ? null : images.ClassNames,
            TimeBudget = timeBudget,
            OnProgress = reporter.Report,
        };
        options.Validate();
        return options;
    }
}
