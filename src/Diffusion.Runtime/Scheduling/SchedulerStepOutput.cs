using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Scheduling;

/// <summary>
/// One reverse step's result, diffusers' <c>DDPMSchedulerOutput</c>/<c>DDIMSchedulerOutput</c>: the caller owns both
/// tensors (they are moved out of the step's dispose scope into the caller's).
/// </summary>
/// <param name="PrevSample">x_{t_prev}, the next network input.</param>
/// <param name="PredOriginalSample">x0_hat after clipping or thresholding, the step's view of the clean sample.</param>
public sealed record SchedulerStepOutput(Tensor PrevSample, Tensor PredOriginalSample) : IDisposable
{
    /// <summary>
    /// The result of a step computed in <paramref name="dtype"/>'s table precision, converted back to the sample's
    /// dtype and moved out of the step's dispose scope, so the caller owns it.
    /// </summary>
    internal static SchedulerStepOutput Escaping(Tensor previous, Tensor cleanSample, ScalarType dtype)
    {
        var result = new SchedulerStepOutput(previous.to(dtype), cleanSample.to(dtype));
        result.PrevSample.MoveToOuterDisposeScope();
        result.PredOriginalSample.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        PrevSample.Dispose();
        PredOriginalSample.Dispose();
    }
}
