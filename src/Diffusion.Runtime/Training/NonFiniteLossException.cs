using System;

namespace Diffusion.Runtime.Training;

/// <summary>Training stopped because a step's loss or gradient norm was NaN or infinite; nothing of that step was saved.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for step <paramref name="step"/>.</summary>
    public NonFiniteLossException(long step, string what, double value, string? lastCheckpoint)
        : base($"Training stopped at step {step}: the {what} is {value}. No checkpoint holds this step; " +
               (lastCheckpoint is null ? "none was written yet. " : $"the last good one is '{lastCheckpoint}'. ") +
               "Lower the learning rate, enable gradient clipping, or set SkipNonFiniteSteps to skip such steps.")
    {
        Step = step;
        Value = value;
    }

    /// <summary>The step whose loss was not finite.</summary>
    public long Step { get; }

    /// <summary>The offending value.</summary>
    public double Value { get; }
}
