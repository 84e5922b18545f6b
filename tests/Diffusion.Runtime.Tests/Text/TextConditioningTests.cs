using System;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Text;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Text;

/// <summary>
/// Text conditioning: cross-attention against a hand computation and its padding mask, the zero-initialised layer, the
/// caption drop counted over many draws, and guidance over text against two separate network calls.
/// </summary>
public class TextConditioningTests
{
    /// <summary>Sets every parameter of <paramref name="module"/> to normal(0, <paramref name="std"/>) draws.</summary>
    private static void Randomize(nn.Module module, double std, long seed)
    {
        using var noGrad = no_grad();
        random.manual_seed(seed);
        foreach (var parameter in module.parameters()) nn.init.normal_(parameter, 0.0, std);
    }

    private static void Set(nn.Module module, string name, float[] values, params long[] shape)
    {
        using var noGrad = no_grad();
        module.named_parameters().Single(p => p.name == name).parameter.copy_(tensor(values).reshape(shape));
    }

    /// <summary>
    /// One head of width 2 with identity q, k, v and output maps: the query x = (1, 0) over keys (1, 0) and (0, 1) has
    /// scores (1 / sqrt(2), 0), weights a = (e^0.7071, 1) / (e^0.7071 + 1) = (0.66976, 0.33024) and output a_1 v_1 +
    /// a_2 v_2 = (0.66976, 0.33024); with the second token masked the output is v_1 = (1, 0).
    /// </summary>
    [Fact]
    public void CrossAttentionOnTwoTokensMatchesTheHandComputation()
    {
        using var layer = new CrossAttention(width: 2, heads: 1, tokenDim: 2);
        float[] identity = { 1, 0, 0, 1 }, zero = { 0, 0 };
        Set(layer, "q_linear.weight", identity, 2, 2);
        Set(layer, "q_linear.bias", zero, 2);
        Set(layer, "kv_linear.weight", new float[] { 1, 0, 0, 1, 1, 0, 0, 1 }, 4, 2);    // k = v = tokens
        Set(layer, "kv_linear.bias", new float[4], 4);
        Set(layer, "proj.weight", identity, 2, 2);
        Set(layer, "proj.bias", zero, 2);
        using var x = tensor(new float[] { 1, 0 }).reshape(1, 1, 2);
        using var tokens = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 2, 2);

        double e = Math.Exp(1 / Math.Sqrt(2));
        double a1 = e / (e + 1), a2 = 1 / (e + 1);
        using var both = layer.call(x, tokens, tensor(new[] { true, true }).reshape(1, 2));
        Assert.Equal(a1, both[0, 0, 0].item<float>(), 5);
        Assert.Equal(a2, both[0, 0, 1].item<float>(), 5);
        using var first = layer.call(x, tokens, tensor(new[] { true, false }).reshape(1, 2));
        Assert.Equal(1.0, first[0, 0, 0].item<float>(), 6);
        Assert.Equal(0.0, first[0, 0, 1].item<float>(), 6);
    }

    /// <summary>A padded token, whatever its values, changes nothing; the same token unmasked does.</summary>
    [Fact]
    public void APaddedTokenChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var layer = new CrossAttention(width: 8, heads: 2, tokenDim: 3);
        Randomize(layer, 0.5, seed: 1);
        var x = randn(2, 5, 8);
        var tokens = randn(2, 2, 3);
        var padded = cat(new[] { tokens, randn(2, 1, 3).mul(10) }, 1);    // (2, 3, 3): a third token of large values
        var short_ = layer.call(x, tokens, ones(2, 2, dtype: ScalarType.Bool));
        var masked = layer.call(x, padded, tensor(new[] { true, true, false, true, true, false }).reshape(2, 3));
        var unmasked = layer.call(x, padded, ones(2, 3, dtype: ScalarType.Bool));
        Assert.Equal(new long[] { 2, 5, 8 }, masked.shape);
        Assert.True(short_.allclose(masked, rtol: 1e-5, atol: 1e-6));
        Assert.True(short_.sub(unmasked).abs().max().item<float>() > 1e-3);
    }

    /// <summary>
    /// A fresh block's zero-initialised cross-attention adds nothing: its output equals that of the same block without
    /// the layer (same weights otherwise), and no longer does once the output projection is nonzero.
    /// </summary>
    [Fact]
    public void AFreshCrossAttentionLeavesTheBlockAsWithoutIt()
    {
        using var scope = NewDisposeScope();
        using var withText = new DiTBlock(16, 2, 32, tokenDim: 3);
        using var plain = new DiTBlock(16, 2, 32);
        Randomize(withText, 0.3, seed: 2);    // modulation nonzero too, so the block is not the identity
        withText.ZeroCrossAttention();
        var shared = withText.state_dict().Where(p => !p.Key.StartsWith("cross_attn.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value);
        plain.load_state_dict(shared);
        var x = randn(2, 4, 16);
        var c = randn(2, 16);
        var tokens = randn(2, 3, 3);
        var mask = ones(2, 3, dtype: ScalarType.Bool);
        var expected = plain.call(x, c);
        Assert.True(expected.sub(x).abs().max().item<float>() > 1e-3);    // the block does something
        Assert.True(withText.forward(x, c, tokens, mask).allclose(expected, rtol: 1e-5, atol: 1e-6));

        Randomize(withText, 0.3, seed: 2);    // the projection nonzero again
        Assert.True(withText.forward(x, c, tokens, mask).sub(expected).abs().max().item<float>() > 1e-3);
    }

    private static TextConditioning Texts(long n, long seed)
    {
        var generator = new Generator((ulong)seed);
        var tokens = randn(new long[] { n, 3, 2 }, generator: generator);
        var mask = tensor(Enumerable.Range(0, (int)n).SelectMany(i => new[] { true, true, i % 2 == 0 }).ToArray()).reshape(n, 3);
        return new TextConditioning(randn(new long[] { n, 3 }, generator: generator), tokens, mask);
    }

    /// <summary>
    /// The training loss gives the text embedder the null pooled vector in place of the caption for about DropRate =
    /// 0.25 of 4000 rows (binomial sd 27.4; within 4 sd), and for none at a fresh draw of dropped = false.
    /// </summary>
    [Fact]
    public void TheLossDropsCaptionsToTheNullEmbeddingAtTheDeclaredRate()
    {
        using var scope = NewDisposeScope();
        var model = new TinyText();
        Randomize(model.Network, 0.5, seed: 3);
        var nullPooled = model.Network.state_dict()["text_embedder.null_pooled"].detach().clone();
        var embedder = model.Network.named_modules().Single(m => m.name == "text_embedder").module as TextEmbedder;
        long nulls = -1;
        var hook = embedder!.register_forward_hook((module, pooled, output) =>
        {
            nulls = pooled.sub(nullPooled).abs().amax(1).lt(1e-7).sum().item<long>();
            return output;
        });
        const int n = 4000;
        var x0 = rand(n, 1, 4, 4).mul(2).sub(1);
        using (no_grad()) model.TrainingLoss(x0, Texts(n, seed: 4), new Generator(5));
        hook.remove();
        double p = TinyTextDit.TextDropRate, sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(nulls, n * p - 4 * sd, n * p + 4 * sd);
    }

    /// <summary>
    /// SampleText's guidance at w = 2 equals out(null) + 2 (out(text) - out(null)) from two separate network calls (one
    /// with the texts, one with every row dropped); w = 0 and 1 would skip the formula.
    /// </summary>
    [Fact]
    public void GuidanceAtTwoIsNullPlusTwiceTheDifferenceOfTwoSeparateCalls()
    {
        using var scope = NewDisposeScope();
        var model = new TinyText();
        Randomize(model.Network, 0.3, seed: 6);
        var prompts = Texts(3, seed: 7);
        var x = randn(3, 1, 4, 4);
        var t = tensor(new long[] { 5, 20, 40 });
        using var noGrad = no_grad();
        var conditional = model.Denoise(x, t, null, prompts);
        var unconditional = model.Denoise(x, t, null, prompts with { Dropped = ones(3, dtype: ScalarType.Bool) });
        Assert.True(conditional.sub(unconditional).abs().max().item<float>() > 1e-3);    // the text matters
        var expected = unconditional + (conditional - unconditional) * 2;

        var guided = TextGuidance.Create(model.Denoise, prompts, 2.0, TinyTextDit.InChannels)(x, t, null);
        Assert.True(guided.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    /// <summary>SampleText runs a declared sampler on prompts and refuses labels and a prompt count other than Count.</summary>
    [Fact]
    public void SampleTextGivesImagesAndRefusesLabels()
    {
        using var scope = NewDisposeScope();
        var model = new TinyText();
        Randomize(model.Network, 0.1, seed: 8);
        var prompts = Texts(2, seed: 9);
        var request = new SampleRequest(2, Steps: 5, GuidanceScale: TinyText.DefaultGuidanceScale);
        var samples = model.SampleText(prompts, SamplerKind.Ddim, request, new Generator(10));
        Assert.Equal(new long[] { 2, 1, 4, 4 }, samples.shape);
        Assert.False(samples.isnan().any().item<bool>());
        Assert.Throws<ArgumentException>(() => model.SampleText(prompts, SamplerKind.Ddim, request with { Count = 3 }, new Generator(10)));
        Assert.Throws<ArgumentException>(() => model.SampleText(prompts, SamplerKind.Ddim,
            request with { Labels = zeros(2, dtype: ScalarType.Int64) }, new Generator(10)));
        Assert.Throws<InvalidOperationException>(() => model.Sample(SamplerKind.Ddim, request with { GuidanceScale = 1 }, new Generator(10)));
    }
}
