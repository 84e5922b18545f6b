using System;
using System.Collections.Generic;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>Torch settings shared by the training, checkpoint and schedule tests.</summary>
internal static class TestTorch
{
    private static readonly object Gate = new();
    private static bool initialised;

    public static void Init()
    {
        lock (Gate)
        {
            if (initialised) return;
            torch.set_num_threads(2);
            initialised = true;
        }
    }

    private static readonly string TestRoot = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "diffusion-runtime-tests", Guid.NewGuid().ToString("N"));

    static TestTorch()
    {
        // The test host is not always given the chance to run ProcessExit: also sweep roots left by runs over an hour old.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(TestRoot);
        var parent = System.IO.Path.GetDirectoryName(TestRoot)!;
        if (System.IO.Directory.Exists(parent))
            foreach (var stale in System.IO.Directory.GetDirectories(parent))
                if (System.IO.Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1)) TryDelete(stale);
    }

    private static void TryDelete(string path)
    {
        try { System.IO.Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException) { }
    }

    /// <summary>A fresh directory under this test process's temporary root (deleted when the process exits).</summary>
    public static string TempDirectory(string name)
    {
        string path = System.IO.Path.Combine(TestRoot, $"{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>eps_theta(x_t, t): flatten, append t / T, Linear -> SiLU -> Linear, reshape back.</summary>
internal sealed class TinyMlp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly int timesteps;

    public TinyMlp(int pixels, int hidden, int timesteps, bool extraLayer = false) : base(nameof(TinyMlp))
    {
        this.timesteps = timesteps;
        fc1 = nn.Linear(pixels + 1, hidden);
        fc2 = nn.Linear(hidden, pixels);
        if (extraLayer) register_module("fc3", nn.Linear(pixels, pixels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var input = cat([x.flatten(1), (t.to(ScalarType.Float32) / timesteps).unsqueeze(1)], 1); // (N, P + 1)
        var h = nn.functional.silu(fc1.forward(input));                                             // (N, hidden)
        return fc2.forward(h).reshape(x.shape).MoveToOuterDisposeScope();                          // (N, C, H, W)
    }
}

/// <summary>
/// A hand-written IDiffusionModel: the TinyMlp noise predictor on 1x4x4 images with NoiseSchedule.Linear(100) and the
/// L_simple loss || eps - eps_theta(sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, t) ||^2.
/// </summary>
internal sealed class TinyDenoiser : IDiffusionModel
{
    public const int Timesteps = 100;
    private readonly TinyMlp network;
    private int calls;

    public TinyDenoiser(long initSeed = 1, int hidden = 64, bool extraLayer = false, ModelDescription? description = null)
    {
        TestTorch.Init();
        network = new TinyMlp(16, hidden, Timesteps, extraLayer);
        // Re-initialise from a local generator (PyTorch's Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))), so the
        // weights do not depend on libtorch's process-wide generator, which other tests may be drawing from.
        using var generator = new Generator((ulong)initSeed);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            long fanIn = name.StartsWith("fc1") ? 17 : name.StartsWith("fc2") ? hidden : 16;
            double bound = 1.0 / Math.Sqrt(fanIn);
            using var values = rand(parameter.shape, generator: generator) * (2 * bound) - bound;
            parameter.copy_(values);
        }
        Description = description ?? Describe(hidden);
    }

    public static ModelDescription Describe(int hidden) => new("TinyDenoiser", 1, 4, null, Prediction.Noise, ScheduleKind.Linear, Timesteps,
        new Dictionary<string, double> { ["hidden"] = hidden });

    public nn.Module Network => network;

    public NoiseSchedule Schedule { get; } = NoiseSchedule.Linear(Timesteps);

    public ModelDescription Description { get; }

    /// <summary>When set, the loss of this call (counting from 1) is NaN.</summary>
    public int? NanAtCall { get; set; }

    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        calls++;
        using var scope = NewDisposeScope();
        long n = x0.shape[0];
        var t = randint(0, Timesteps, [n], dtype: ScalarType.Int64, device: x0.device, generator: generator);  // (N)
        var eps = randn(x0.shape, dtype: ScalarType.Float32, device: x0.device, generator: generator);       // (N, C, H, W)
        var xt = NoiseSchedule.Gather(Schedule.SqrtAlphasCumprod, t, 4) * x0
               + NoiseSchedule.Gather(Schedule.SqrtOneMinusAlphasCumprod, t, 4) * eps;
        var loss = (network.forward(xt, t) - eps).pow(2).mean();
        if (calls == NanAtCall) loss = loss * double.NaN;
        return loss.MoveToOuterDisposeScope();
    }

    public Tensor Denoise(Tensor x, Tensor t, Tensor? labels) => network.forward(x, t);

    public Tensor VariationalBoundTerms(Tensor x0, Tensor xt, Tensor t, Tensor output) =>
        throw new NotSupportedException("The test model has no variational bound.");

    public Tensor Sample(SamplerKind sampler, SampleRequest request, Generator generator, Denoiser? denoiser = null, Action<int, Tensor>? onStep = null) =>
        throw new NotSupportedException("The test model does not sample.");

    public (Tensor Noise, Tensor CleanSample) Predict(Tensor x, Tensor t, Tensor? labels, double guidanceScale = 1.0, Denoiser? denoiser = null) =>
        throw new NotSupportedException("The test model does not sample.");

    /// <summary>None: the test model does not sample.</summary>
    public IReadOnlyList<SamplerKind> Samplers => [];

    public double? ClassifierFreeGuidanceScale => null;

    /// <summary>
    /// N synthetic 1x4x4 images in [-1, 1]: one of two fixed patterns (a gradient and a checkerboard), a random sign, a
    /// little noise. Low-dimensional data, so a small network learns to predict the noise quickly.
    /// </summary>
    public static Tensor SyntheticImages(int count, long seed = 7)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var gradient = linspace(-0.9, 0.9, 16).reshape(1, 1, 4, 4);
        var checker = tensor(new float[] { 1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, -1, -1, 1, -1, 1 }).reshape(1, 1, 4, 4) * 0.8f;
        var which = randint(0, 2, [count, 1, 1, 1], generator: generator).to(ScalarType.Float32);
        var sign = randint(0, 2, [count, 1, 1, 1], generator: generator).to(ScalarType.Float32) * 2 - 1;
        var images = (which * gradient + (1 - which) * checker) * sign + 0.05f * randn([count, 1, 4, 4], generator: generator);
        return images.clamp(-1, 1).MoveToOuterDisposeScope();
    }
}
