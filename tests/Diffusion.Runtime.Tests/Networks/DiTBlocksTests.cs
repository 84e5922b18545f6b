using System;
using System.Linq;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Networks;

/// <summary>
/// The DiT building blocks of Diffusion.Runtime.Networks: shapes, the reference state-dict names with counts worked
/// by hand, adaLN-Zero's identity at initialisation, label dropout only in training, and the sinusoidal features
/// against their closed form.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class DiTBlocksTests
{
    private static (string Name, long[] Shape)[] Parameters(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.shape)).ToArray();

    [Fact]
    public void Patch_embedding_has_the_reference_names_and_tokens_row_by_row()
    {
        using var scope = NewDisposeScope();
        using var embed = new PatchEmbed(inChannels: 3, width: 8, patchSize: 2);
        var names = Parameters(embed);
        Assert.Equal(new[] { "proj.weight", "proj.bias" }, names.Select(p => p.Name));
        Assert.Equal(new long[] { 8, 3, 2, 2 }, names[0].Shape);
        var x = randn(2, 3, 6, 4);
        var tokens = embed.call(x);
        Assert.Equal(new long[] { 2, 6, 8 }, tokens.shape);    // (6 / 2) (4 / 2) = 6 tokens

        // Token m = i * (W / p) + j is the patch at row i, column j: token 3 is row 1, column 1.
        var patch = x[.., .., 2..4, 2..4];
        var weight = embed.state_dict()["proj.weight"];
        var bias = embed.state_dict()["proj.bias"];
        var expected = (patch.unsqueeze(1) * weight.unsqueeze(0)).sum(new long[] { 2, 3, 4 }) + bias;    // (2, 8)
        Assert.True(tokens[.., 3].allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Sinusoidal_features_are_cosines_then_sines_of_the_reference_frequencies()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new long[] { 0, 1, 37, 999 });
        var features = TimestepEmbedder.SinusoidalFeatures(t, 8).to(ScalarType.Float64);
        Assert.Equal(new long[] { 4, 8 }, features.shape);
        long[] steps = { 0, 1, 37, 999 };
        for (int n = 0; n < 4; n++)
        for (int k = 0; k < 4; k++)
        {
            double freq = Math.Exp(-Math.Log(10000.0) * k / 4);    // freqs_k = 10000^(-k / half)
            Assert.Equal(Math.Cos(steps[n] * freq), features[n, k].ToDouble(), 3);
            Assert.Equal(Math.Sin(steps[n] * freq), features[n, 4 + k].ToDouble(), 3);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimestepEmbedder(7, 4));
    }

    [Fact]
    public void Timestep_embedder_keys_are_mlp_0_and_mlp_2()
    {
        using var embedder = new TimestepEmbedder(frequencyDim: 16, width: 8);
        var names = Parameters(embedder);
        Assert.Equal(new[] { "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias" }, names.Select(p => p.Name));
        Assert.Equal(16 * 8 + 8 + 8 * 8 + 8, names.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b)));
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 3, 8 }, embedder.call(tensor(new long[] { 0, 5, 9 })).shape);
    }

    [Fact]
    public void Label_dropout_happens_only_in_training_and_at_the_declared_rate()
    {
        using var scope = NewDisposeScope();
        using var embedder = new LabelEmbedder(classes: 10, width: 4, dropRate: 0.25);
        Assert.Equal(new[] { "embedding_table.weight" }, Parameters(embedder).Select(p => p.Name));
        Assert.Equal(new long[] { 11, 4 }, Parameters(embedder)[0].Shape);    // ten classes and the null label
        var labels = full(new long[] { 20000 }, 3L, dtype: ScalarType.Int64);

        embedder.eval();
        using (var g = new Generator(5)) Assert.True(embedder.DropLabels(labels, g).equal(labels).all().item<bool>());

        embedder.train();
        Tensor dropped;
        using (var g = new Generator(5)) dropped = embedder.DropLabels(labels, g);
        var nulls = dropped.eq(embedder.NullLabel).sum().ToInt64();
        Assert.Equal(20000, nulls + dropped.eq(3L).sum().ToInt64());    // a label is kept or nulled, nothing else
        Assert.InRange(nulls / 20000.0, 0.25 - 0.0125, 0.25 + 0.0125);    // 4 standard deviations of a Binomial(20000, 0.25) share

        // The same draws as the training loss: rand(N) < p_uncond from the caller's generator.
        using (var g = new Generator(5)) Assert.True(dropped.eq(embedder.NullLabel).equal(rand(new long[] { 20000 }, generator: g).lt(0.25)).all().item<bool>());

        using var never = new LabelEmbedder(classes: 10, width: 4, dropRate: 0.0);
        never.train();
        using (var g = new Generator(5)) Assert.True(never.DropLabels(labels, g).equal(labels).all().item<bool>());
    }

    [Fact]
    public void AdaLn_zero_block_has_the_reference_keys_and_counts_and_is_the_identity_once_zeroed()
    {
        using var scope = NewDisposeScope();
        const int d = 8, hidden = 12;
        using var block = new DiTBlock(width: d, heads: 2, mlpHidden: hidden);
        var names = Parameters(block);
        Assert.Equal(new[]
        {
            "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
            "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
            "adaLN_modulation.1.weight", "adaLN_modulation.1.bias",
        }, names.Select(p => p.Name));
        long count = (d * 3 * d + 3 * d) + (d * d + d) + (d * hidden + hidden) + (hidden * d + d) + (d * 6 * d + 6 * d);
        Assert.Equal(count, names.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b)));

        var x = randn(3, 5, d);
        var c = randn(3, d);
        Assert.False(block.call(x, c).equal(x).all().item<bool>());    // random modulation: not the identity
        block.ZeroModulation();
        Assert.True(block.call(x, c).equal(x).all().item<bool>());     // adaLN-Zero: gates are zero, exactly x
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiTBlock(width: 8, heads: 3, mlpHidden: 4));
    }

    [Fact]
    public void Final_layer_outputs_patches_and_starts_at_exactly_zero()
    {
        using var scope = NewDisposeScope();
        using var final = new FinalLayer(width: 8, patchSize: 2, outChannels: 6);
        Assert.Equal(new[] { "linear.weight", "linear.bias", "adaLN_modulation.1.weight", "adaLN_modulation.1.bias" },
            Parameters(final).Select(p => p.Name));
        var output = final.call(randn(3, 5, 8), randn(3, 8));
        Assert.Equal(new long[] { 3, 5, 2 * 2 * 6 }, output.shape);
        final.ZeroOutput();
        Assert.Equal(0.0, final.call(randn(3, 5, 8), randn(3, 8)).abs().max().ToDouble());
    }

    [Fact]
    public void Unpatchify_inverts_patchify_by_rows_of_patches()
    {
        using var scope = NewDisposeScope();
        // Patchify by hand: (N, C, H, W) -> (N, T, p * p * C) in the reference order (patch row, column, then p, q, C).
        var square = randn(2, 3, 4, 4);
        var squareTokens = square.reshape(2, 3, 2, 2, 2, 2).permute(0, 2, 4, 3, 5, 1).reshape(2, 4, 12);
        Assert.True(Patches.Unpatchify(squareTokens, grid: 2, patchSize: 2, channels: 3).equal(square).all().item<bool>());
    }

    [Fact]
    public void The_generated_network_counts_its_parameters_as_the_plan_does()
    {
        using var network = new Examples.Mnist.MnistDit();
        long counted = network.parameters().Sum(p => p.numel());
        Assert.Equal(Examples.Mnist.MnistDit.ParameterCount, counted);
    }
}
