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

/// <summary>
/// A U-Net that cross-attends over the token states after each attention block (TinyTokenUNet): its declared parameter
/// count, that tokens reach the output, that masked padding does not, that a dropped row sees the null tokens, and
/// that the model trains and samples through the tokens.
/// </summary>
public class TokenUNetTests
{
    // Random weights: the U-Net starts its output, and each cross-attention its projection, at zero.
    private static TinyTokenUNet Randomized()
    {
        var network = new TinyTokenUNet();
        using var noGrad = no_grad();
        using var generator = new Generator(7);
        foreach (var parameter in network.parameters()) parameter.normal_(0, 0.2, generator);
        return network;
    }

    private static TextConditioning Texts(Tensor tokens, Tensor mask, Tensor? dropped = null) =>
        new(ones(tokens.shape[0], 3), tokens, mask, dropped);

    [Fact]
    public void The_declared_parameter_count_is_the_modules_and_the_model_reads_tokens()
    {
        using var network = new TinyTokenUNet();
        Assert.Equal(TinyTokenUNet.ParameterCount, network.parameters().Sum(p => p.numel()));
        Assert.True(TinyTokenUNet.CrossAttention);
        Assert.True(((ITextDiffusionModel)new TinyTokenUNetModel()).ReadsTokens);
        // One cross-attention after the 4x4 attention of the down path, the middle and the two up blocks at 4x4.
        Assert.Equal(4, network.named_modules().Count(m => m.module is Diffusion.Runtime.Networks.UNet.CrossAttentionBlock));
    }

    [Fact]
    public void A_fresh_network_ignores_the_tokens_as_its_cross_attention_starts_at_zero()
    {
        using var scope = NewDisposeScope();
        using var network = new TinyTokenUNet();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (!name.Contains(".attn.proj.", StringComparison.Ordinal) && !name.StartsWith("out.", StringComparison.Ordinal))
                parameter.normal_(0, 0.2, new Generator(3));
        }
        var x = randn(2, 1, 8, 8, generator: new Generator(1));
        var t = tensor(new long[] { 10, 10 });
        var mask = ones(2, 3, dtype: ScalarType.Bool);
        var a = network.call(x, t, null, Texts(randn(2, 3, 2, generator: new Generator(2)), mask));
        var b = network.call(x, t, null, Texts(randn(2, 3, 2, generator: new Generator(4)), mask));
        Assert.Equal(0f, a.sub(b).abs().max().item<float>());
    }

    [Fact]
    public void Tokens_change_the_output_masked_padding_does_not_and_dropped_rows_see_the_null_tokens()
    {
        using var scope = NewDisposeScope();
        using var network = Randomized();
        network.eval();
        using var noGrad = no_grad();
        var x = randn(2, 1, 8, 8, generator: new Generator(1));
        var t = tensor(new long[] { 10, 10 });
        var mask = tensor(new[] { true, true, false, true, false, false }, [2, 3]);
        var tokens = randn(2, 3, 2, generator: new Generator(2));
        var baseline = network.call(x, t, null, Texts(tokens, mask));

        var other = tokens.clone();
        other[0, 0] = tensor(new float[] { 5, -5 });
        Assert.True(network.call(x, t, null, Texts(other, mask)).sub(baseline).abs().max().item<float>() > 1e-3f, "a real token must change the output");

        var padding = tokens.clone();
        padding[0, 2] = tensor(new float[] { 50, -50 });    // masked in row 0
        padding[1, 1] = tensor(new float[] { -50, 50 });    // masked in row 1
        Assert.Equal(0f, network.call(x, t, null, Texts(padding, mask)).sub(baseline).abs().max().item<float>());

        var dropped = tensor(new[] { true, true });
        var nullA = network.call(x, t, null, Texts(tokens, mask, dropped));
        var nullB = network.call(x, t, null, Texts(other, mask, dropped));
        Assert.Equal(0f, nullA.sub(nullB).abs().max().item<float>());
    }

    [Fact]
    public void The_model_trains_through_the_cross_attention_and_samples_prompts_guided()
    {
        using var scope = NewDisposeScope();
        var model = new TinyTokenUNetModel();
        ITextDiffusionModel text = model;
        using (no_grad())
        {
            // The zero output convolution (ADM's zero_module) would stop every gradient before it at the first step.
            foreach (var (name, parameter) in model.Network.named_parameters())
                if (name.StartsWith("out.", StringComparison.Ordinal)) parameter.normal_(0, 0.2, new Generator(8));
        }
        var x0 = rand(4, 1, 8, 8, generator: new Generator(2)) * 2 - 1;
        var texts = new TextConditioning(rand(4, 3, generator: new Generator(3)), randn(4, 2, 2, generator: new Generator(5)),
            ones(4, 2, dtype: ScalarType.Bool));
        using var generator = new Generator(4);
        var loss = text.TrainingLoss(x0, texts, generator);
        Assert.True(float.IsFinite(loss.item<float>()));
        loss.backward();
        // The zero projection gets a gradient first (its inputs are not zero), which is how the block starts to learn.
        Assert.Contains(model.Network.named_parameters(), p => p.name.EndsWith(".attn.proj.weight", StringComparison.Ordinal)
            && p.parameter.grad is { } grad && grad.abs().sum().item<float>() > 0);

        using var sampling = new Generator(6);
        var request = new SampleRequest(4, null, Steps: 3, GuidanceScale: TinyTokenUNetModel.DefaultGuidanceScale);
        var images = text.SampleText(texts, SamplerKind.Ddim, request, sampling);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, images.shape);
        Assert.True(images.isfinite().all().item<bool>());
    }
}
