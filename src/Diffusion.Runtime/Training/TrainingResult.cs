using System;
using System.Collections.Generic;

namespace Diffusion.Runtime.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="FinalStep">The last step taken (the run's Steps unless cancelled).</param>
/// <param name="Losses">The loss of every step 1..FinalStep, earlier sessions included (NaN for skipped steps): the loss curve.</param>
/// <param name="SkippedSteps">Steps skipped for a non-finite loss or gradient.</param>
/// <param name="ImagesPerSecond">This session's training throughput (checkpoint writes excluded).</param>
/// <param name="Elapsed">Total training time across sessions.</param>
/// <param name="LastCheckpoint">The directory of the last checkpoint written, or null.</param>
/// <param name="Cancelled">Whether the run stopped early on cancellation (after checkpointing its last step).</param>
/// <param name="SessionTime">This session's training time (checkpoint writes excluded), the base of <see cref="ImagesPerSecond"/>.</param>
/// <param name="ExchangeTime">
/// The part of <see cref="SessionTime"/> spent in the all-reduces of losses and gradients across processes (zero in
/// one process), waiting for the slowest process included.
/// </param>
public sealed record TrainingResult(
    long FinalStep,
    IReadOnlyList<double> Losses,
    IReadOnlyList<long> SkippedSteps,
    double ImagesPerSecond,
    TimeSpan Elapsed,
    string? LastCheckpoint,
    bool Cancelled,
    TimeSpan SessionTime = default,
    TimeSpan ExchangeTime = default);
