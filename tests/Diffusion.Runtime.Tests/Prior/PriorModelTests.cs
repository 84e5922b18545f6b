using System;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Prior;

/// <summary>A prior's model as the generator writes it: its description, and prompts sampled without thresholding only.</summary>
public class PriorModelTests
{
    private static TextConditioning Prompts(int count) =>
        new(randn(count, 2), zeros(count, 1, 1), ones(count, 1, dtype: ScalarType.Bool));

    [Fact]
    public void TheDescriptionSaysASampleIsAnEmbeddingOfDValues()
    {
        var model = new ToyPriorModel();
        Assert.Equal(1, model.Description.ImageSize);
        Assert.Equal(2, model.Description.Channels);
        Assert.Equal(1.0, model.Description.Network["prior"]);
        Assert.Equal(32.0, model.Description.Network["width"]);
        Assert.Equal(0.0, model.Description.Network["text_tokens"]);
        Assert.Equal(Prediction.CleanSample, model.Description.Predicts);
    }

    /// <summary>An embedding is not data in [-1, 1]: static or dynamic thresholding would bias every sample.</summary>
    [Theory]
    [InlineData(Thresholding.Static)]
    [InlineData(Thresholding.Dynamic)]
    public void SamplingPromptsRefusesThresholding(Thresholding thresholding)
    {
        var model = new ToyPriorModel();
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var request = new SampleRequest(3, Steps: 2) { Thresholding = thresholding };
        var error = Assert.Throws<ArgumentException>(() => model.SampleText(Prompts(3), SamplerKind.Ddim, request, generator));
        Assert.Contains("sample with Thresholding = None", error.Message);
    }

    [Fact]
    public void SamplingPromptsWithoutThresholdingGivesOneEmbeddingPerPrompt()
    {
        var model = new ToyPriorModel();
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var request = new SampleRequest(3, Steps: 2) { Thresholding = Thresholding.None };
        var samples = model.SampleText(Prompts(3), SamplerKind.Ddim, request, generator);
        Assert.Equal(new long[] { 3, 2, 1, 1 }, samples.shape);
        Assert.False(samples.isnan().any().item<bool>());
    }
}
