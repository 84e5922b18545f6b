using System;
using System.Linq;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Contrastive;

/// <summary>The image tower's shapes and unit outputs, and CLIP's learned temperature: its start and its clamp.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ContrastiveImageEncoderTests
{
    [Theory]
    [InlineData(1, 28, 384, 32, 2)]
    [InlineData(3, 8, 4, 8, 1)]
    [InlineData(1, 5, 6, 16, 0)]
    public void Images_become_unit_embeddings_of_the_text_width(int channels, int size, int dim, int width, int stages)
    {
        using var encoder = new ContrastiveImageEncoder(channels, size, dim, width, stages);
        using var x = randn(5, channels, size, size, generator: new Generator(1));

        using var u = encoder.call(x);
        using var embedded = encoder.Embed(x, batchSize: 2);

        Assert.Equal(new long[] { 5, dim }, u.shape);
        using var norms = u.norm(1);
        Assert.All(norms.data<float>().ToArray(), n => Assert.Equal(1f, n, 1e-5f));
        Assert.True(embedded.allclose(u, rtol: 1e-5, atol: 1e-6), "Embed in batches of 2 differs from one forward pass");
        Assert.False(embedded.requires_grad);
    }

    [Fact]
    public void The_network_is_the_image_tower_and_the_logit_scale()
    {
        using var encoder = new ContrastiveImageEncoder(1, 28, 384);
        var names = encoder.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("logit_scale", names);
        Assert.Contains("visual.stem.weight", names);
        Assert.Contains("visual.stages.1.5.weight", names);    // stage 2's second convolution
        Assert.Contains("visual.proj.weight", names);
        Assert.All(names, name => Assert.True(name == "logit_scale" || name.StartsWith("visual.", StringComparison.Ordinal), name));
        Assert.Equal(384, encoder.Description.Network["embedding_dim"]);
        Assert.Null(encoder.Description.Predicts);
    }

    [Fact]
    public void The_temperature_starts_at_CLIPs_0_07_and_the_logit_scale_stops_at_100()
    {
        using var encoder = new ContrastiveImageEncoder(1, 8, 4, width: 8, stages: 1);
        using (var start = encoder.LogitScale())
            Assert.Equal(1 / 0.07, start.item<float>(), 1e-4);    // 14.2857

        var s = encoder.named_parameters().Single(p => p.name == "logit_scale").parameter;
        // Below the clamp d exp(s) / d s = exp(s); at s = ln 1000, above ln 100, the scale is 100 and s gets no gradient.
        using (var scale = encoder.LogitScale()) scale.backward();
        Assert.Equal(1 / 0.07, s.grad!.item<float>(), 1e-4);
        using (no_grad()) s.fill_(Math.Log(1000));
        s.grad!.zero_();
        using (var clamped = encoder.LogitScale())
        {
            Assert.Equal(100f, clamped.item<float>(), 1e-3f);
            clamped.backward();
        }
        Assert.Equal(0f, s.grad!.item<float>());
    }

    [Fact]
    public void Sizes_the_encoder_cannot_have_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveImageEncoder(1, 28, 384, width: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveImageEncoder(0, 28, 384));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveImageEncoder(1, 0, 384));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveImageEncoder(1, 28, 384, stages: 7));
        using var encoder = new ContrastiveImageEncoder(1, 8, 4, width: 8, stages: 1);
        using var rgb = zeros(2, 3, 8, 8);
        Assert.Throws<ArgumentException>(() => encoder.call(rgb));
    }
}
