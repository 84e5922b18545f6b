using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Models;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// A model the benchmark times, with run sizes that keep each phase long enough to time yet the whole run in minutes
/// on two CPU cores. <see cref="RssTrainSteps"/> and <see cref="RssSamplingSteps"/> size the resident-memory runs,
/// which need many small steps rather than a few large ones.
/// </summary>
internal sealed record BenchTarget(
    string Key,
    string Title,
    Func<IDiffusionModel> Create,
    double GuidanceScale,
    int Batch,
    int WarmupSteps,
    int TrainSteps,
    int Samples,
    int RssTrainSteps,
    int RssBatch,
    int RssSamplingSteps,
    int RssSamples,
    bool HasPyTorchPeer = true)
{
    /// <summary>
    /// The benchmarked models by key: the MNIST example's DiT (small, overhead-bound), DiT-S/2 at 32x32 (compute-bound),
    /// and the MNIST example's U-Net (timed on our side only: the PyTorch peer mirrors the reference DiT).
    /// </summary>
    public static IReadOnlyList<BenchTarget> All { get; } =
    [
        new("mnist", "MnistDiffusion: the example's DiT, 28x28x1, patch 4, width 192, depth 6, 3 heads", () => new MnistDiffusion(),
            MnistDiffusion.DefaultGuidanceScale, Batch: 64, WarmupSteps: 3, TrainSteps: 20, Samples: 64,
            RssTrainSteps: 1000, RssBatch: 8, RssSamplingSteps: 1000, RssSamples: 4),
        new("dit-s2", "BenchDitS2Diffusion: DiT-S/2, 32x32x4, patch 2, width 384, depth 12, 6 heads, 1000 classes", () => new BenchDitS2Diffusion(),
            BenchDitS2Diffusion.DefaultGuidanceScale, Batch: 16, WarmupSteps: 1, TrainSteps: 4, Samples: 4,
            RssTrainSteps: 200, RssBatch: 2, RssSamplingSteps: 200, RssSamples: 1),
        new("unet", "MnistUNetDiffusion: the example's U-Net, 28x28x1, channels 32/64/64, 1 block per level, attention at 7x7", () => new MnistUNetDiffusion(),
            MnistUNetDiffusion.DefaultGuidanceScale, Batch: 64, WarmupSteps: 3, TrainSteps: 20, Samples: 64,
            RssTrainSteps: 1000, RssBatch: 8, RssSamplingSteps: 1000, RssSamples: 4, HasPyTorchPeer: false),
    ];

    public static IReadOnlyList<string> Keys => All.Select(t => t.Key).ToArray();
}
