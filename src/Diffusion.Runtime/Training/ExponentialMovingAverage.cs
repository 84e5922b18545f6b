using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Training;

/// <summary>
/// An exponential moving average of a network's weights (Polyak averaging; DiT and ADM sample from it): detached
/// copies of every state-dict tensor, updated after each optimizer step by ema = d ema + (1 - d) p under no_grad.
/// </summary>
/// <remarks>
/// <para>
/// Warm-up (on by default, <see cref="Warmup"/>): the decay of update n (counting from 0) is
/// d_n = min(decay, (1 + n) / (10 + n)), the schedule of TensorFlow's <c>ExponentialMovingAverage(num_updates)</c>.
/// Without it an EMA with decay 0.9999 is still about 37% the random initialisation after 10k steps, which is most of a
/// CPU run; with it the average follows the weights early and settles at the full decay after about 90k updates
/// (d_n reaches 0.9999 at n = 89,990). Turn it off to reproduce DiT exactly (plain decay 0.9999 from step 0).
/// </para>
/// <para>
/// Floating-point tensors are averaged; integer buffers (counters) are copied. The state is keyed by the network's
/// <c>state_dict()</c> names, so <c>ema.safetensors</c> loads into the network directly, in PyTorch too.
/// </para>
/// </remarks>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly Dictionary<string, Tensor> shadow;
    private bool disposed;

    /// <summary>Starts the average at the network's current weights.</summary>
    /// <param name="network">The network whose state dict is averaged.</param>
    /// <param name="decay">The target decay d in [0, 1].</param>
    /// <param name="warmup">Use d_n = min(decay, (1 + n) / (10 + n)) (see remarks).</param>
    public ExponentialMovingAverage(nn.Module network, double decay = 0.9999, bool warmup = true)
    {
        if (!(decay >= 0 && decay <= 1)) throw new ArgumentOutOfRangeException(nameof(decay), $"EMA decay {decay} must lie in [0, 1].");
        Decay = decay;
        Warmup = warmup;
        using var noGrad = no_grad();
        shadow = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>The target decay d.</summary>
    public double Decay { get; }

    /// <summary>Whether the decay warms up as min(d, (1 + n) / (10 + n)).</summary>
    public bool Warmup { get; }

    /// <summary>Number of updates applied so far (n); restored from a checkpoint's <c>trainer.json</c>.</summary>
    public long UpdateCount { get; set; }

    /// <summary>The decay the next update will use.</summary>
    public double CurrentDecay => Warmup ? Math.Min(Decay, (1.0 + UpdateCount) / (10.0 + UpdateCount)) : Decay;

    /// <summary>ema = d ema + (1 - d) p for every state-dict tensor of <paramref name="network"/>, in place.</summary>
    public void Update(nn.Module network)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double weight = 1.0 - CurrentDecay;
        foreach (var (name, tensor) in network.state_dict())
        {
            if (!shadow.TryGetValue(name, out var average))
                throw new ArgumentException($"The network has a tensor '{name}' that this EMA does not track.", nameof(network));
            if (average.is_floating_point()) average.lerp_(tensor, weight); // ema + (1 - d)(p - ema)
            else average.copy_(tensor);
        }
        UpdateCount++;
    }

    /// <summary>Copies the averaged weights into <paramref name="network"/> (for sampling or export).</summary>
    public void CopyTo(nn.Module network)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in network.state_dict())
        {
            if (!shadow.TryGetValue(name, out var average))
                throw new ArgumentException($"The network has a tensor '{name}' that this EMA does not track.", nameof(network));
            tensor.copy_(average);
        }
    }

    /// <summary>
    /// The averaged tensors by state-dict name. They are this object's own (live): read or save them, do not dispose
    /// them; writing into them (a load) changes the average.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() => shadow;

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var tensor in shadow.Values) tensor.Dispose();
    }
}
