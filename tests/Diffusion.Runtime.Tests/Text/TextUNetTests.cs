using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Text;

/// <summary>
/// A U-Net conditioned on text (TinyTextUNet): the pooled embedding enters through the timestep embedding (Saharia et
/// al. 2022, Sec. 2), a dropped row sees the learned null embedding whatever its text, and the model trains and
/// samples through the same text paths as a DiT's.
/// </summary>
public class TextUNetTests
{
    private static TextConditioning Texts(Tensor pooled, Tensor? dropped = null) =>
        new(pooled, zeros(pooled.shape[0], 0, 2), zeros(pooled.shape[0], 0, dtype: ScalarType.Bool), dropped);

    // Random weights: the U-Net starts its output at zero (ADM's zero_module), which would hide the text's effect.
    private static TinyTextUNet Randomized()
    {
        var network = new TinyTextUNet();
        using var noGrad = no_grad();
        using var generator = new Generator(5);
        foreach (var parameter in network.parameters()) parameter.normal_(0, 0.2, generator);
        return network;
    }

    [Fact]
    public void The_declared_parameter_count_is_the_modules()
    {
        using var network = new TinyTextUNet();
        Assert.Equal(TinyTextUNet.ParameterCount, network.parameters().Sum(p => p.numel()));
        Assert.False(TinyTextUNet.CrossAttention);
        Assert.False(((ITextDiffusionModel)new TinyTextUNetModel()).ReadsTokens);
    }

    [Fact]
    public void The_pooled_text_changes_the_output_and_a_dropped_row_sees_the_null_embedding()
    {
        using var scope = NewDisposeScope();
        using var network = Randomized();
        network.eval();
        var x = randn(2, 1, 8, 8, generator: new Generator(1));
        var t = tensor(new long[] { 10, 10 });
        var a = tensor(new float[] { 1, 0, 0, 0, 1, 0 }, [2, 3]);
        var b = tensor(new float[] { 0, 0, 1, 1, 1, 1 }, [2, 3]);
        using var noGrad = no_grad();
        var outA = network.call(x, t, null, Texts(a));
        var outB = network.call(x, t, null, Texts(b));
        Assert.True(outA.sub(outB).abs().max().item<float>() > 1e-3f, "the pooled text must change the output");
        var dropped = tensor(new[] { true, true });
        var nullA = network.call(x, t, null, Texts(a, dropped));
        var nullB = network.call(x, t, null, Texts(b, dropped));
        Assert.Equal(0f, nullA.sub(nullB).abs().max().item<float>());
        Assert.Throws<ArgumentException>(() => network.call(x, t, tensor(new long[] { 0, 1 }), Texts(a)));
    }

    [Fact]
    public void The_model_trains_on_texts_and_samples_prompts_guided()
    {
        using var scope = NewDisposeScope();
        var model = new TinyTextUNetModel();
        ITextDiffusionModel text = model;
        var x0 = rand(4, 1, 8, 8, generator: new Generator(2)) * 2 - 1;
        var pooled = rand(4, 3, generator: new Generator(3));
        using var generator = new Generator(4);
        var loss = text.TrainingLoss(x0, Texts(pooled), generator);
        Assert.True(loss.item<float>() > 0 && float.IsFinite(loss.item<float>()));
        loss.backward();
        Assert.Contains(model.Network.named_parameters(), p => p.name.StartsWith("text_embedder.mlp", StringComparison.Ordinal) && p.parameter.grad is not null);

        using var sampling = new Generator(6);
        var request = new SampleRequest(4, null, Steps: 3, GuidanceScale: TinyTextUNetModel.DefaultGuidanceScale);
        var images = text.SampleText(Texts(pooled), SamplerKind.Ddim, request, sampling);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, images.shape);
        Assert.True(images.isfinite().all().item<bool>());
    }
}
