using System.Collections.Generic;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>The contents of a checkpoint's <c>config.json</c>: what was trained, and how.</summary>
/// <param name="Format">Always <see cref="CheckpointStore.FormatName"/>.</param>
/// <param name="Version">The layout version, <see cref="CheckpointStore.FormatVersion"/>.</param>
/// <param name="Kind"><see cref="CheckpointStore.TrainingKind"/> for a resumable checkpoint (model, EMA, optimizer,
/// trainer state) or <see cref="CheckpointStore.ReleaseKind"/> for an exported one (EMA weights only, as model.safetensors).</param>
/// <param name="Step">The training step the weights are from.</param>
/// <param name="WeightsDType">The safetensors dtype of the floating-point weights (F32, or F16 for a half-size release).</param>
/// <param name="Description">The model's declaration; loading refuses a model whose description differs.</param>
/// <param name="Training">The options of the run that wrote it.</param>
public sealed record CheckpointConfig(
    string Format,
    int Version,
    string Kind,
    long Step,
    string WeightsDType,
    ModelDescription Description,
    TrainingOptions? Training);

/// <summary>The contents of a checkpoint's <c>trainer.json</c>: what a resumed run needs besides the tensors.</summary>
/// <param name="Step">The last completed step.</param>
/// <param name="Seed">The run's seed (a resumed run must use the same one to reproduce the data order and noise).</param>
/// <param name="Losses">The loss of every step 1..Step (NaN for skipped steps).</param>
/// <param name="SkippedSteps">Steps skipped for a non-finite loss or gradient.</param>
/// <param name="ElapsedSeconds">Training time up to this step, across sessions.</param>
/// <param name="EmaUpdates">Number of EMA updates (for the EMA's decay warm-up).</param>
public sealed record TrainerState(
    long Step,
    long Seed,
    IReadOnlyList<double> Losses,
    IReadOnlyList<long> SkippedSteps,
    double ElapsedSeconds,
    long EmaUpdates);
