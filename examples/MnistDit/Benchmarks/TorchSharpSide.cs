using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Diagnostics;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// The generated code in this process: the model's generated TrainingLoss with the runtime's AdamW, and its generated
/// SampleDdim with classifier-free guidance, exactly as the train and sample commands run them.
/// </summary>
internal sealed class TorchSharpSide : IBenchSide
{
    private readonly IDiffusionModel model;
    private readonly Device device;
    private readonly AdamW optimizer;
    private readonly MatmulPrecision precision;

    /// <param name="model">The loaded model (the side does not own it).</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="learningRate">AdamW's lr, as the PyTorch peer's.</param>
    /// <param name="weightDecay">AdamW's weight decay, as the PyTorch peer's.</param>
    /// <param name="precision">The sampling runs' matmul precision (<see cref="SampleRequest.Precision"/>).</param>
    public TorchSharpSide(IDiffusionModel model, Device device, double learningRate, double weightDecay, MatmulPrecision precision)
    {
        this.model = model;
        this.device = device;
        this.precision = precision;
        optimizer = new AdamW(model.Network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)), learningRate: learningRate, weightDecay: weightDecay);
    }

    public string Name { get; } = $"TorchSharp {typeof(torch).Assembly.GetName().Version!.ToString(3)}";

    public double MatmulGflops(int size, int repeats) =>
        MatmulGflops(size, repeats, precision == MatmulPrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32);

    /// <summary>GFLOP/s of size x size matrix products in <paramref name="dtype"/> on this side's device.</summary>
    public double MatmulGflops(int size, int repeats, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size, device: device).to(dtype);
        var b = randn(size, size, device: device).to(dtype);
        for (int i = 0; i < 3; i++) mm(a, b).Dispose();
        Synchronize();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) mm(a, b).Dispose();
        Synchronize();
        return 2.0 * size * size * size * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }

    public PhaseTiming Train(int batch, int warmup, int steps, long seed)
    {
        var (data, labels) = Batch(batch, seed);
        using (data)
        using (labels)
        {
            model.Network.train();
            for (int i = 0; i < warmup; i++) TrainStep(data, labels, seed + 1 + i);
            Synchronize();
            ProcessMemory.ResetPeak();
            var cpu = CpuSeconds();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) TrainStep(data, labels, seed + 1000 + i);
            Synchronize();
            return new PhaseTiming(clock.Elapsed.TotalSeconds, CpuSeconds() - cpu, ProcessMemory.PeakMib());
        }
    }

    public StepSplit TrainSplit(int batch, int steps, long seed)
    {
        var (data, labels) = Batch(batch, seed);
        using (data)
        using (labels)
        {
            model.Network.train();
            TrainStep(data, labels, seed);
            double forward = 0, backward = 0, update = 0;
            var clock = new Stopwatch();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)(seed + 1 + i), device);
                optimizer.ZeroGrad();
                clock.Restart();
                var loss = model.TrainingLoss(data, labels, generator);
                Synchronize();
                forward += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                loss.backward();
                Synchronize();
                backward += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                optimizer.Step();
                Synchronize();
                update += clock.Elapsed.TotalMilliseconds;
            }
            return new StepSplit(forward / steps, backward / steps, update / steps);
        }
    }

    public PhaseTiming Sample(int count, int steps, int warmupSteps, double guidance, long seed)
    {
        model.Network.eval();
        RunSampler(count, warmupSteps, guidance, seed, onStep: null);
        ProcessMemory.ResetPeak();
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        RunSampler(count, steps, guidance, seed + 1, onStep: null);
        Synchronize();
        return new PhaseTiming(clock.Elapsed.TotalSeconds, CpuSeconds() - cpu, ProcessMemory.PeakMib());
    }

    public IReadOnlyList<RssPoint> RssTrain(int batch, int steps, int every, long seed)
    {
        var (data, labels) = Batch(batch, seed);
        using (data)
        using (labels)
        {
            model.Network.train();
            var trace = new List<RssPoint>();
            for (int i = 0; i < steps; i++)
            {
                TrainStep(data, labels, seed + i);
                if ((i + 1) % every == 0) trace.Add(new RssPoint(i + 1, ProcessMemory.ResidentMib()));
            }
            return trace;
        }
    }

    public IReadOnlyList<RssPoint> RssSample(int count, int steps, int every, double guidance, long seed)
    {
        model.Network.eval();
        var trace = new List<RssPoint>();
        int done = 0;
        RunSampler(count, steps, guidance, seed, onStep: (_, _) =>
        {
            done++;
            if (done % every == 0) trace.Add(new RssPoint(done, ProcessMemory.ResidentMib()));
        });
        return trace;
    }

    public void Dispose() => optimizer.Dispose();

    private (Tensor Data, Tensor Labels) Batch(int batch, long seed)
    {
        var d = model.Description;
        using var generator = new Generator((ulong)seed, device);
        var data = rand(new long[] { batch, d.Channels, d.ImageSize, d.ImageSize }, generator: generator, device: device) * 2 - 1;
        var labels = randint(0, d.Classes ?? 1, new long[] { batch }, generator: generator, device: device);
        return (data, labels);
    }

    /// <summary>One step as the Trainer takes it: zero the gradients, the generated loss, backward, AdamW.</summary>
    private void TrainStep(Tensor data, Tensor labels, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, device);
        optimizer.ZeroGrad();
        model.TrainingLoss(data, labels, generator).backward();
        optimizer.Step();
    }

    private void RunSampler(int count, int steps, double guidance, long seed, Action<int, Tensor>? onStep)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, device);
        var labels = arange(count, dtype: ScalarType.Int64, device: device) % (model.Description.Classes ?? 1);
        var request = new SampleRequest(count, labels, Steps: steps, Eta: 0, GuidanceScale: guidance) { Precision = precision };
        model.Sample(SamplerKind.Ddim, request, generator, onStep: onStep).Dispose();
    }

    private static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Waits for queued device work (CUDA) so the clock measures it; a no-op on the CPU, where calls are synchronous.</summary>
    private void Synchronize()
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
