using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Diffusion.Runtime.Training;

/// <summary>
/// How to train. Defaults follow DiT (Peebles and Xie 2023): AdamW at lr 1e-4 without weight decay, EMA decay 0.9999.
/// Everything except <see cref="OnProgress"/> is written into every checkpoint's <c>config.json</c>.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Total optimizer steps (the last step's number).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Examples per step (capped at the dataset size).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The EMA's target decay.</summary>
    public double EmaDecay { get; init; } = 0.9999;

    /// <summary>Warm the EMA decay up as min(decay, (1 + n) / (10 + n)); see <see cref="ExponentialMovingAverage"/>.</summary>
    public bool EmaWarmup { get; init; } = true;

    /// <summary>Clip gradients to this global L2 norm; null disables clipping.</summary>
    public double? GradClip { get; init; } = 1.0;

    /// <summary>The run's seed: the data order and every loss draw derive from it (<see cref="TrainingSeeds"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Write a checkpoint every this many steps (and always after the last step).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>
    /// Keep only this many newest checkpoints, deleting older ones after each successful write; 0 keeps all. Keep at
    /// least 2 so that resuming can fall back when the newest one is damaged.
    /// </summary>
    public int KeepCheckpoints { get; init; }

    /// <summary>Print a progress line every this many steps when the output is not a terminal.</summary>
    public int LogEvery { get; init; } = 50;

    /// <summary>The run directory; checkpoints go to <c>{OutputDir}/checkpoints/step-NNNNNNN/</c>.</summary>
    public string OutputDir { get; init; } = "runs/default";

    /// <summary>
    /// Continue from the latest checkpoint in <see cref="OutputDir"/> (a fresh start when there is none). Without it a
    /// directory that already holds checkpoints is refused, so a run never mixes with an older one.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>The training device as TorchSharp names it ("cpu", "cuda", "cuda:1").</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Skip a step whose loss or gradient norm is NaN or infinite (no update) instead of stopping.</summary>
    public bool SkipNonFiniteSteps { get; init; }

    /// <summary>
    /// The name of each class label (<c>ClassNames[label]</c>), so that a run trained on named class folders can be
    /// sampled by name; null when the labels need no names (numbered class folders, whose names are the labels, or an
    /// unconditional model). Optional in <c>config.json</c>: checkpoints written before it existed load with null.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Stop, with a checkpoint of the last completed step, once this much wall-clock time has passed since
    /// <see cref="Trainer.Run"/> started (this sitting only; null: no limit). The progress's remaining time counts it.
    /// </summary>
    [JsonIgnore]
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Called after every step with the step's numbers (e.g. <see cref="ProgressReporter.Report"/>).</summary>
    [JsonIgnore]
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>
    /// Told about problems that do not stop training, such as a newest checkpoint that fails verification and is skipped
    /// when resuming; standard error when null.
    /// </summary>
    [JsonIgnore]
    public Action<string>? OnWarning { get; init; }

    /// <summary>Throws naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), $"steps = {Steps}; train at least one step.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"batch size = {BatchSize}; use at least 1.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), $"learning rate = {LearningRate}; use a positive value.");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), $"weight decay = {WeightDecay}; use >= 0.");
        if (!(EmaDecay >= 0 && EmaDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), $"EMA decay = {EmaDecay}; use 0..1.");
        if (GradClip is { } clip && !(clip > 0)) throw new ArgumentOutOfRangeException(nameof(GradClip), $"grad clip = {clip}; use a positive norm or none.");
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), $"checkpoint every = {CheckpointEvery}; use at least 1.");
        if (KeepCheckpoints < 0) throw new ArgumentOutOfRangeException(nameof(KeepCheckpoints), $"keep checkpoints = {KeepCheckpoints}; use 0 (all) or more.");
        if (LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(LogEvery), $"log every = {LogEvery}; use at least 1.");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeBudget), $"time budget = {budget}; use a positive duration or none.");
        if (string.IsNullOrWhiteSpace(OutputDir)) throw new ArgumentException("The output directory is empty.", nameof(OutputDir));
    }
}
