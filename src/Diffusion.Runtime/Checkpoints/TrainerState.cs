using System.Collections.Generic;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// The contents of a checkpoint's <c>trainer.json</c>: what a resumed run needs besides the tensors. A plain record on
/// the checkpoint side, so that the checkpoint layer reads and writes it without knowing the trainer.
/// </summary>
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
