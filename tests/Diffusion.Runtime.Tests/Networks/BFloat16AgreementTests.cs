using System;
using System.IO;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Training;
using Examples.Mnist;
using Examples.Mnist.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Networks;

/// <summary>
/// The bfloat16 path (<see cref="Autocast"/>, <see cref="SampleRequest.Precision"/>) against float32 on the shipped
/// reference weights (examples/MnistDit/reference).
/// Tolerance of the forward pass, from bfloat16's 8-bit significand: its unit roundoff is u = 2^-8 = 3.9e-3, and
/// rounding an operand makes a relative error uniform in [-u, u] (root mean square u / sqrt(3)). A product of two
/// rounded operands is then off by about sqrt(2/3) u = 0.8 u of its output's root mean square, a branch chains four such
/// products (qkv, attention, proj; fc1, fc2) and the six blocks add theirs to a float32 residual stream larger than any
/// branch: an error of order u at the output. The test allows 8 u (3.1%) for the network's amplification and asks
/// for at least u / 16, so a run that stayed in float32 fails too (measured on this CPU: 0.49 u).
/// The sampled digits: the same 8 guided DDIM-20 digits as in float32 by the evaluation CNN, and a mean pixel
/// difference at most 0.04 on [-1, 1] (2% of the range; measured 0.0042).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BFloat16AgreementTests : IDisposable
{
    private const double UnitRoundoff = 1.0 / 256;    // 2^-8, bfloat16 (8 significand bits with the implicit one)

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public BFloat16AgreementTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        this.output = output;
        TestTorch.Init();
        torch.set_num_threads(1);
    }

    public void Dispose() => torch.set_num_threads(2);

    [Fact]
    public void The_reference_network_in_bfloat16_agrees_with_float32_within_8_unit_roundoffs()
    {
        using var scope = NewDisposeScope();
        var diffusion = Reference();
        torch.random.manual_seed(31);
        var x = randn(16, 1, 28, 28);
        var t = tensor(new long[] { 0, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950, 990, 999, 10, 250 });
        var y = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 3, 7, 1, 10 });
        Tensor full, low;
        using (no_grad())
        {
            full = diffusion.Network.call(x, t, y);
            using (Autocast.Enter(MatmulPrecision.BFloat16)) low = diffusion.Network.call(x, t, y);
        }
        Assert.Equal(ScalarType.Float32, low.dtype);    // float32 resumes after every block and in the final layer
        double relative = (low - full).square().mean().sqrt().ToDouble() / full.square().mean().sqrt().ToDouble();
        output.WriteLine($"relative RMS difference {relative:G3} = {relative / UnitRoundoff:F2} u");
        Assert.InRange(relative, UnitRoundoff / 16, 8 * UnitRoundoff);
    }

    [Fact]
    public void Guided_ddim_digits_in_bfloat16_stay_the_same_digits_close_to_float32()
    {
        using var scope = NewDisposeScope();
        var diffusion = Reference();
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 });
        Tensor Sample(MatmulPrecision precision)
        {
            using var generator = new Generator(2024);
            var request = new SampleRequest(8, labels, Steps: 20, Eta: 0.0, GuidanceScale: MnistDiffusion.DefaultGuidanceScale)
            {
                Precision = precision,
            };
            using (no_grad()) return diffusion.Sample(SamplerKind.Ddim, request, generator);
        }
        var full = Sample(MatmulPrecision.Float32);
        var low = Sample(MatmulPrecision.BFloat16);
        // The same digits: the evaluation CNN reads each bfloat16 sample as its float32 twin.
        using var classifier = MnistClassifier.Load(Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", "evaluation", "classifier.safetensors"));
        Assert.Equal(classifier.Predict(full.clamp(-1, 1)).data<long>().ToArray(), classifier.Predict(low.clamp(-1, 1)).data<long>().ToArray());
        // Close in pixels: mean |difference| at most 0.02 of the [-1, 1] range's width 2 (0.04), and not zero.
        double meanDifference = (low - full).abs().mean().ToDouble();
        output.WriteLine($"mean |bf16 - float32| {meanDifference:G3}, max {(low - full).abs().max().ToDouble():G3}");
        Assert.InRange(meanDifference, 1e-6, 0.04);
    }

    private static MnistDiffusion Reference()
    {
        var diffusion = new MnistDiffusion();
        CheckpointLoader.LoadForSampling(diffusion, Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", "reference"));
        return diffusion;
    }
}
