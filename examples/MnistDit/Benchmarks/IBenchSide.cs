using System;
using System.Collections.Generic;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// A timed phase: its wall time, the CPU time its process spent in it (all threads, user and system; on a machine
/// shared with other work the wall time stretches while the CPU time of a single-threaded run stays the work done),
/// and the process's peak resident memory during it (VmHWM, reset at its start).
/// </summary>
internal sealed record PhaseTiming(double Seconds, double CpuSeconds, double PeakMib);

/// <summary>Where a training step's time goes: mean milliseconds of the forward pass with the loss, the backward pass, and the AdamW update.</summary>
internal sealed record StepSplit(double ForwardMs, double BackwardMs, double OptimizerMs);

/// <summary>Resident memory (VmRSS, MiB) after a number of steps.</summary>
internal readonly record struct RssPoint(long Step, double Mib);

/// <summary>
/// One side of the comparison, holding one loaded model: this process (TorchSharp running the generated code) or the
/// PyTorch peer process (bench/pytorch_dit.py). Both run the same phases with the same arguments, so the benchmark
/// alternates them without caring which is which. Every phase warms up before it starts its clock.
/// </summary>
internal interface IBenchSide : IDisposable
{
    /// <summary>The side with its version, as printed beside every figure ("TorchSharp 0.107.0", "PyTorch 1.13.1").</summary>
    string Name { get; }

    /// <summary>The float32 matrix-multiply rate of this side's process: GFLOP/s of <paramref name="repeats"/> size^3 products.</summary>
    double MatmulGflops(int size, int repeats);

    /// <summary><paramref name="warmup"/> untimed then <paramref name="steps"/> timed training steps (loss, backward, AdamW) at <paramref name="batch"/>.</summary>
    PhaseTiming Train(int batch, int warmup, int steps, long seed);

    /// <summary>The mean split of <paramref name="steps"/> training steps into forward (with the loss), backward and AdamW, after one warm-up step.</summary>
    StepSplit TrainSplit(int batch, int steps, long seed);

    /// <summary>A <paramref name="warmupSteps"/>-step DDIM warm-up, then one timed DDIM run of <paramref name="steps"/> steps on <paramref name="count"/> images with guidance.</summary>
    PhaseTiming Sample(int count, int steps, int warmupSteps, double guidance, long seed);

    /// <summary>VmRSS every <paramref name="every"/> training steps over <paramref name="steps"/> steps.</summary>
    IReadOnlyList<RssPoint> RssTrain(int batch, int steps, int every, long seed);

    /// <summary>VmRSS every <paramref name="every"/> sampler steps over one DDIM run of <paramref name="steps"/> steps.</summary>
    IReadOnlyList<RssPoint> RssSample(int count, int steps, int every, double guidance, long seed);
}
