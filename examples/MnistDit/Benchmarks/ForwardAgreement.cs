using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Cli;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// Same function, not just same shapes: before anything is timed, one forward pass of the generated network and of the
/// PyTorch peer's reference DiT on the same weights and the same inputs must agree to float32 tolerance.
/// </summary>
internal static class ForwardAgreement
{
    /// <summary>The largest accepted max |ours - PyTorch| relative to max |PyTorch output|: float32 rounding through a dozen blocks with different BLAS and attention kernels stays around 1e-6.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>
    /// Moves every trainable parameter off its initial value by N(0, 0.02^2) noise. The reference initialisation zeroes
    /// the adaLN-Zero modulations and the final layer, so a fresh network outputs exactly zero whatever its other
    /// weights are, and a forward check on it would prove nothing.
    /// </summary>
    public static void Perturb(nn.Module network, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var parameter in network.parameters())
        {
            if (!parameter.requires_grad) continue;
            parameter.add_(randn(parameter.shape, generator: generator).to(parameter.device) * 0.02);
        }
    }

    /// <summary>Agreement of one forward pass: max |ours - PyTorch| and max |PyTorch|.</summary>
    internal readonly record struct Result(double MaxAbsDifference, double MaxAbsOutput, int Images)
    {
        public double Relative => MaxAbsDifference / Math.Max(MaxAbsOutput, 1e-12);
        public bool Agrees => Relative <= RelativeTolerance;
    }

    /// <summary>
    /// Runs both forward passes in eval mode on <paramref name="images"/> random inputs (random timesteps, labels
    /// including the null label) and compares them.
    /// </summary>
    /// <exception cref="CommandLineException">The outputs disagree: the two sides do not compute the same function, so timing them would compare nothing.</exception>
    public static Result Check(IDiffusionModel model, PyTorchPeer peer, ExchangeFolder folder, int images, long seed)
    {
        var network = (nn.Module<Tensor, Tensor, Tensor?, Tensor>)model.Network;
        var d = model.Description;
        int classes = d.Classes ?? 0;
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var x = randn(new long[] { images, d.Channels, d.ImageSize, d.ImageSize }, generator: generator);
        var t = randint(0, d.Timesteps, new long[] { images }, generator: generator);
        var y = randint(0, classes + 1, new long[] { images }, generator: generator);    // classes = the null label
        SafetensorsFile.Write(folder.Inputs, new Dictionary<string, Tensor> { ["x"] = x, ["t"] = t, ["y"] = y });
        peer.Forward(folder.Inputs, folder.PeerOutput);

        var device = model.Network.parameters().First().device;
        network.eval();
        Tensor ours;
        using (no_grad()) ours = network.call(x.to(device), t.to(device), y.to(device)).cpu();
        var loaded = SafetensorsFile.Read(folder.PeerOutput);
        try
        {
            var theirs = loaded["output"];
            if (!theirs.shape.AsSpan().SequenceEqual(ours.shape))
                throw new CommandLineException($"forward check: PyTorch's output has shape {SafetensorsFile.FormatShape(theirs.shape)}, ours {SafetensorsFile.FormatShape(ours.shape)}.");
            var result = new Result((ours - theirs).abs().max().item<float>(), theirs.abs().max().item<float>(), images);
            if (!result.Agrees)
                throw new CommandLineException($"forward check failed: max |ours - PyTorch| = {result.MaxAbsDifference:G3} on outputs up to {result.MaxAbsOutput:G3} (relative {result.Relative:G3} > {RelativeTolerance:G1}). The generated network and bench/dit_reference.py do not compute the same function; nothing was timed.");
            return result;
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }
}
