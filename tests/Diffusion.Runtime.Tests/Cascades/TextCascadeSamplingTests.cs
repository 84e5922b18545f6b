using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Tests.Training;
using Diffusion.Runtime.Text;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Cascades;

/// <summary>
/// A cascade whose base is conditioned on text: the base samples from the prompts guided over text, and the upsampler,
/// which takes no labels, samples unguided from the base's images alone (unCLIP's upsamplers, Ramesh et al. 2022,
/// Sec. 2.1); a base without text, or an upsampler taking labels, is refused before any sampling.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class TextCascadeSamplingTests
{
    private static TextConditioning Prompts(long n, ulong seed)
    {
        var generator = new Generator(seed);
        var tokens = randn(new long[] { n, 3, 2 }, generator: generator);
        var mask = tensor(Enumerable.Range(0, (int)n).SelectMany(i => new[] { true, true, i % 2 == 0 }).ToArray()).reshape(n, 3);
        return new TextConditioning(randn(new long[] { n, 3 }, generator: generator), tokens, mask);
    }

    private static SampleRequest Request(double guidance) => new(4, Steps: 3, GuidanceScale: guidance);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void The_generated_text_cascade_is_the_base_from_the_prompts_then_the_upsampler_unguided_from_its_output(double guidance)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var cascade = new TinyTextCascade();
        var prompts = Prompts(4, 5);

        var chained = cascade.SampleText(prompts, SamplerKind.Ddim, Request(guidance), new Generator(21), augmentationLevel: 3);

        // By hand, with a generator from the same seed: the base guided over text, then the upsampler at w = 1.
        var generator = new Generator(21);
        var low = cascade.Stage0.SampleText(prompts, SamplerKind.Ddim, Request(guidance), generator);
        var high = cascade.Stage1.SampleFrom(low.clamp((-1.0).ToScalar(), 1.0.ToScalar()), SamplerKind.Ddim, Request(1.0), generator, 3);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, chained[1].shape);
        Assert.True(Exactly.Same(chained[0], low));
        Assert.True(Exactly.Same(chained[1], high));
    }

    [Fact]
    public void The_prompts_reach_the_final_images()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var cascade = new TinyTextCascade();
        // adaLN-Zero and the zeroed final layer start both networks at a constant output: nonzero weights make the text
        // matter to the base and the base's image to the upsampler.
        var draws = new Generator(3);
        foreach (var (_, parameter) in cascade.Stage0.Network.named_parameters().Concat(cascade.Stage1.Network.named_parameters()))
        {
            using var noGrad = no_grad();
            parameter.copy_(randn(parameter.shape, generator: draws).mul(0.3.ToScalar()));
        }

        var one = cascade.SampleText(Prompts(4, 5), SamplerKind.Ddim, Request(2.0), new Generator(8));
        var other = cascade.SampleText(Prompts(4, 6), SamplerKind.Ddim, Request(2.0), new Generator(8));

        Assert.True(one[1].sub(other[1]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Sampling_it_with_labels_is_refused_with_a_pointer_to_the_prompts()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var cascade = new TinyTextCascade();
        var error = Assert.Throws<ArgumentException>(() => cascade.SampleStages(SamplerKind.Ddim, Request(1.0), new Generator(1)));
        Assert.Contains("Stage 0 (TinyTextBase) is conditioned on text: sample the cascade from prompts", error.Message);
    }

    [Fact]
    public void An_upsampler_taking_labels_or_a_base_without_text_is_refused_before_any_sampling()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        var prompts = Prompts(4, 5);
        var labelled = Assert.Throws<ArgumentException>(() => CascadeSampling.RunText(
            new IDiffusionModel[] { new TinyTextBase(), new TinyUp() }, prompts, SamplerKind.Ddim, Request(2.0), new Generator(1)));
        Assert.Contains("Stage 1 (TinyUp) takes labels of 3 classes", labelled.Message);
        var untexted = Assert.Throws<ArgumentException>(() => CascadeSampling.RunText(
            new IDiffusionModel[] { new TinyBase(), new TinyUpsampler() }, prompts, SamplerKind.Ddim, Request(2.0), new Generator(1)));
        Assert.Contains("Stage 0 (TinyBase) is not conditioned on text", untexted.Message);
    }
}
