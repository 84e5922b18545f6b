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
    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        PrevSample.Dispose();
        PredOriginalSample.Dispose();
    }
}
