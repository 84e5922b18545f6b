using System;
using System.Linq;
using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>
/// The conditioned DiT (Ho et al. 2021, Sec. 3 and 4.1): the augmentation level and the low-resolution image reach its
/// output once its zero-initialised layers (adaLN-Zero, the final layer) have non-zero weights, and its patch embedding
/// takes the extra channels.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class NetworkConditioningTests
{
    /// <summary>The network with every parameter redrawn from N(0, 0.5^2): no layer left at zero.</summary>
    private static TinyUpDit NonZeroNetwork()
    {
        var network = new TinyUpDit();
        var generator = new Generator(11);
        using var noGrad = no_grad();
        foreach (var parameter in network.parameters())
        {
            if (!parameter.requires_grad) continue;    // the fixed position table
            parameter.copy_(randn(parameter.shape, generator: generator).mul(0.5.ToScalar()));
        }
        return network;
    }

    [Fact]
    public void Two_augmentation_levels_give_two_outputs()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var network = NonZeroNetwork();
        var generator = new Generator(5);
        var x = randn(new long[] { 2, 1, 8, 8 }, generator: generator);
        var conditioning = randn(new long[] { 2, 1, 8, 8 }, generator: generator);
        var t = tensor(new long[] { 10, 30 });
        var y = tensor(new long[] { 0, 2 });

        using var noGrad = no_grad();
        var atZero = network.call(x, t, y, conditioning, zeros(2));
        var atTen = network.call(x, t, y, conditioning, full(new long[] { 2 }, 10.ToScalar()));
        var atZeroAgain = network.call(x, t, y, conditioning, zeros(2));

        Assert.True(Exactly.Same(atZero, atZeroAgain));    // deterministic, so a difference is the level's
        double change = (atTen - atZero).abs().max().item<float>();
        Assert.True(change > 1e-3, $"the level moved the output by only {change}");
    }

    [Fact]
    public void Two_low_resolution_images_give_two_outputs()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var network = NonZeroNetwork();
        var generator = new Generator(6);
        var x = randn(new long[] { 1, 1, 8, 8 }, generator: generator);
        var t = tensor(new long[] { 20 });
        var y = tensor(new long[] { 1 });

        using var noGrad = no_grad();
        var first = network.call(x, t, y, randn(new long[] { 1, 1, 8, 8 }, generator: generator), zeros(1));
        var second = network.call(x, t, y, randn(new long[] { 1, 1, 8, 8 }, generator: generator), zeros(1));

        Assert.True((first - second).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void The_patch_embedding_takes_the_image_and_the_low_resolution_channels_and_the_count_is_the_modules()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var network = new TinyUpDit();
        long counted = 0;
        foreach (var parameter in network.parameters()) counted += parameter.numel();
        Assert.Equal(TinyUpDit.ParameterCount, counted);
        // x_embedder: a 2 x 2 convolution from C + C_low = 2 channels to width 32, then the augmentation embedder: the
        // timestep embedder's 32 * 32 + 32 + 32 * 32 + 32 parameters once more.
        var weight = network.named_parameters().First(p => p.name == "x_embedder.proj.weight").parameter;
        Assert.Equal(new long[] { 32, 2, 2, 2 }, weight.shape);
        long augmentation = 0;
        foreach (var (name, parameter) in network.named_parameters())
            if (name.StartsWith("aug_embedder.", StringComparison.Ordinal)) augmentation += parameter.numel();
        Assert.Equal(32 * 32 + 32 + 32 * 32 + 32, augmentation);
    }

    [Fact]
    public void The_stage_alone_refuses_to_denoise_without_its_conditioning()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        IDiffusionModel model = new TinyUp();
        Assert.Throws<InvalidOperationException>(() => model.Denoise(zeros(1, 1, 8, 8), tensor(new long[] { 1 }), tensor(new long[] { 0 })));
    }
}
