using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.UNet;

/// <summary>The generated U-Nets and encoder: output shapes, parameter counts by hand, and that every module is wired in.</summary>
public class UNetShapeTests
{
    // Parameter counts of the building blocks (weights + biases), as PyTorch counts them.
    private static long Conv3(long i, long o) => 9 * i * o + o;
    private static long Conv1(long i, long o) => i * o + o;
    private static long Linear(long i, long o) => i * o + o;
    private static long Norm(long c) => 2 * c;

    /// <summary>ADM ResBlock: GroupNorm, 3x3 conv, embedding Linear (2 out with scale-shift), GroupNorm, 3x3 conv, 1x1 skip when in != out.</summary>
    private static long Res(long i, long o, long embedding, bool scaleShift) =>
        Norm(i) + Conv3(i, o) + Linear(embedding, scaleShift ? 2 * o : o) + Norm(o) + Conv3(o, o) + (i != o ? Conv1(i, o) : 0);

    private static long Attention(long c) => Norm(c) + Linear(c, 3 * c) + Linear(c, c);

    private static long Time(long baseChannels) => Linear(baseChannels, 4 * baseChannels) + Linear(4 * baseChannels, 4 * baseChannels);

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void Three_level_unet_has_the_hand_counted_parameters()
    {
        // Channels 8, 16, 16 at 16, 8, 4; embedding 32; skips pushed: input 8, d0 res 8, d0 down 8, d1 res 16, d1 down 16, d2 res 16.
        const bool ss = true;
        long expected =
            Time(8) + 4 * 32                                                  // timestep MLP, label table (3 classes + null)
            + Conv3(1, 8)                                                     // input conv
            + Res(8, 8, 32, ss) + Conv3(8, 8)                                  // down 0: block, downsample
            + Res(8, 16, 32, ss) + Conv3(16, 16)                               // down 1: block, downsample
            + Res(16, 16, 32, ss) + Attention(16)                              // down 2: block + attention
            + Res(16, 16, 32, ss) + Attention(16) + Res(16, 16, 32, ss)        // middle
            + Res(16 + 16, 16, 32, ss) + Attention(16) + Res(16 + 16, 16, 32, ss) + Attention(16) + Conv3(16, 16) // up 2: skips d2 res, d1 down; upsample
            + Res(16 + 16, 16, 32, ss) + Res(16 + 8, 16, 32, ss) + Conv3(16, 16)                                // up 1: skips d1 res, d0 down; upsample
            + Res(16 + 8, 8, 32, ss) + Res(8 + 8, 8, 32, ss)                                                    // up 0: skips d0 res, input
            + Norm(8) + Conv3(8, 1);                                          // output
        using var network = new ThreeLevelUNet();
        Assert.Equal(expected, Count(network));
        Assert.Equal(ThreeLevelUNet.ParameterCount, expected);    // the plan's count
    }

    [Fact]
    public void Two_level_unet_has_the_hand_counted_parameters()
    {
        // Channels 8, 24 at 8, 4; embedding 32, additive; two blocks per level; attention at 8x8 and in the middle.
        // Skips pushed: input 8, d0 res 8, d0 res 8, d0 down 8, d1 res 24, d1 res 24.
        const bool ss = false;
        long expected =
            Time(8)
            + Conv3(3, 8)
            + 2 * (Res(8, 8, 32, ss) + Attention(8)) + Conv3(8, 8)             // down 0
            + Res(8, 24, 32, ss) + Res(24, 24, 32, ss)                         // down 1
            + Res(24, 24, 32, ss) + Attention(24) + Res(24, 24, 32, ss)        // middle
            + Res(24 + 24, 24, 32, ss) + Res(24 + 24, 24, 32, ss) + Res(24 + 8, 24, 32, ss) + Conv3(24, 24) // up 1
            + Res(24 + 8, 8, 32, ss) + Attention(8) + Res(8 + 8, 8, 32, ss) + Attention(8) + Res(8 + 8, 8, 32, ss) + Attention(8) // up 0
            + Norm(8) + Conv3(8, 6);                                          // output: 2C for the learned variance
        using var network = new TwoLevelUNet();
        Assert.Equal(expected, Count(network));
    }

    [Fact]
    public void One_level_unet_and_the_encoder_have_the_hand_counted_parameters()
    {
        long oneLevel = Time(4) + Conv3(2, 4) + Res(4, 4, 16, true)
            + Res(4, 4, 16, true) + Attention(4) + Res(4, 4, 16, true)
            + Res(4 + 4, 4, 16, true) + Res(4 + 4, 4, 16, true)
            + Norm(4) + Conv3(4, 2);
        using var one = new OneLevelUNet();
        Assert.Equal(oneLevel, Count(one));
        Assert.Equal(OneLevelUNet.ParameterCount, oneLevel);

        long encoder = Time(8) + Conv3(1, 8)
            + Res(8, 8, 32, true) + Conv3(8, 8)
            + Res(8, 16, 32, true) + Attention(16)
            + Res(16, 16, 32, true) + Attention(16) + Res(16, 16, 32, true)
            + Norm(16) + Linear(16, 3);
        using var small = new SmallEncoder();
        Assert.Equal(encoder, Count(small));
        Assert.Equal(SmallEncoder.ParameterCount, encoder);
    }

    [Fact]
    public void Outputs_have_the_declared_shapes_and_start_at_zero()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new long[] { 0, 50, 99 });
        using (var three = new ThreeLevelUNet())
        {
            var output = three.call(randn(3, 1, 16, 16), t, tensor(new long[] { 0, 2, ThreeLevelUNet.NullLabel }));
            Assert.Equal(new long[] { 3, 1, 16, 16 }, output.shape);
            Assert.Equal(0.0, output.abs().max().item<float>());    // the zero-initialised output convolution
        }
        using (var two = new TwoLevelUNet())
        {
            Assert.Equal(new long[] { 3, 6, 8, 8 }, two.call(randn(3, 3, 8, 8), t, null).shape);
            Assert.Throws<ArgumentException>(() => two.call(randn(3, 3, 8, 8), t, tensor(new long[] { 0, 0, 0 })));
        }
        using (var one = new OneLevelUNet()) Assert.Equal(new long[] { 3, 2, 6, 6 }, one.call(randn(3, 2, 6, 6), t, null).shape);
        using (var encoder = new SmallEncoder()) Assert.Equal(new long[] { 3, 3 }, encoder.call(randn(3, 1, 16, 16), t).shape);
    }

    [Fact]
    public void GroupNorm_starts_at_weight_one_and_bias_zero()
    {
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised; the generated constructor sets them.
        using var network = new ThreeLevelUNet();
        var norms = network.named_modules().Where(m => m.module is TorchSharp.Modules.GroupNorm).ToList();
        Assert.Equal(2 * 11 + 4 + 1, norms.Count);    // two in each of 11 ResBlocks, one in each of 4 attention blocks, out.0
        foreach (var (name, module) in norms)
        {
            var norm = (TorchSharp.Modules.GroupNorm)module;
            Assert.True((norm.weight! - 1.0).abs().max().item<float>() == 0, name);
            Assert.True(norm.bias!.abs().max().item<float>() == 0, name);
        }
    }

    /// <summary>
    /// Every parameter of each network gets a non-zero gradient once the zero-initialised layers are randomised: a block
    /// declared but not called, or a skip not concatenated, would leave its parameters (or its consumer's extra input
    /// channels) without one.
    /// </summary>
    [Theory]
    [InlineData("three")]
    [InlineData("two")]
    [InlineData("one")]
    [InlineData("encoder")]
    public void Every_parameter_takes_part_in_the_forward_pass(string which)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        nn.Module network;
        Tensor output;
        var t = tensor(new long[] { 3, 70 });
        switch (which)
        {
            case "three":
                var three = new ThreeLevelUNet();
                network = three;
                Randomize(network);
                output = three.call(randn(2, 1, 16, 16, dtype: ScalarType.Float64), t, tensor(new long[] { 1, 2 }));
                break;
            case "two":
                var two = new TwoLevelUNet();
                network = two;
                Randomize(network);
                output = two.call(randn(2, 3, 8, 8, dtype: ScalarType.Float64), t, null);
                break;
            case "one":
                var one = new OneLevelUNet();
                network = one;
                Randomize(network);
                output = one.call(randn(2, 2, 6, 6, dtype: ScalarType.Float64), t, null);
                break;
            default:
                var encoder = new SmallEncoder();
                network = encoder;
                Randomize(network);
                output = encoder.call(randn(2, 1, 16, 16, dtype: ScalarType.Float64), t);
                break;
        }
        (output * randn_like(output)).sum().backward();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.StartsWith("label_emb", StringComparison.Ordinal))
            {
                Assert.True(parameter.grad!.abs().sum([1L]).count_nonzero().item<long>() == 2, "only the rows of the two labels used");
                continue;
            }
            Assert.True(parameter.grad is not null && parameter.grad.abs().max().item<double>() > 0, $"{which}: {name} has no gradient");
            // Each input channel of a convolution (a skip's channels included) must receive gradient.
            if (parameter.dim() == 4)
                Assert.True(parameter.grad!.abs().sum([0L, 2L, 3L]).gt(0).all().item<bool>(), $"{which}: some input channels of {name} are unused");
        }
        network.Dispose();
    }

    private static void Randomize(nn.Module network)
    {
        using var noGrad = no_grad();
        foreach (var parameter in network.parameters()) nn.init.normal_(parameter, 0.0, 0.2);
        // Float64: on an AVX-512 AMD EPYC (2026-12-01) oneDNN's float32 convolutions now and then returned NaN (see
        // ConvolutionKernels, which now limits oneDNN to SSE4.1 there), which this structural check would misread as a
        // missing connection. Which parameters receive gradient does not depend on the dtype.
        network.to(ScalarType.Float64);
    }
}
