using System;

namespace Diffusion.Runtime.Training;

/// <summary>What the trainer reports after each step.</summary>
/// <param name="Step">The step just taken (1-based).</param>
/// <param name="TotalSteps">The run's last step.</param>
/// <param name="Loss">This step's loss (NaN or infinite only for a skipped step).</param>
/// <param name="SmoothedLoss">An exponential moving average of the finite losses (factor 0.98, bias-corrected).</param>
/// <param name="ImagesPerSecond">Training throughput of this session so far.</param>
/// <param name="Elapsed">Training time, including earlier sessions of a resumed run.</param>
/// <param name="Remaining">The estimated time left at this session's rate, or null before it can be estimated.</param>
/// <param name="Skipped">Whether this step was skipped for a non-finite loss or gradient.</param>
/// <param name="CheckpointPath">The checkpoint written after this step, else null.</param>
/// <param name="ExchangeTime">
/// This session's time in the all-reduces of losses and gradients across processes (zero in one process), waiting
/// for the slowest process included: the data-parallel overhead in <see cref="Elapsed"/>.
/// </param>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    double Loss,
    double SmoothedLoss,
    double ImagesPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    bool Skipped,
    string? CheckpointPath,
    TimeSpan ExchangeTime = default);
