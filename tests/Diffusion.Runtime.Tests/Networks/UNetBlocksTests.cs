using System;
using System.Linq;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Networks.UNet;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Networks;

/// <summary>
/// The U-Net building blocks of Diffusion.Runtime.Networks.UNet: guided-diffusion's state-dict names and shapes, the
/// zero initialisation that makes each block its skip, scale-shift against the additive embedding, and small cases
/// worked by hand.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class UNetBlocksTests
{
    private static (string Name, long[] Shape)[] Parameters(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.shape)).ToArray();

    private static void SetParameter(nn.Module module, string name, Tensor value)
    {
        using var noGrad = no_grad();
        module.named_parameters().Single(p => p.name == name).parameter.copy_(value);
    }

    [Fact]
    public void ResBlock_has_guided_diffusions_keys_and_starts_as_its_skip()
    {
        using var scope = NewDisposeScope();
        using var changing = new ResBlock(channels: 4, embeddingWidth: 6, dropout: 0.0, outChannels: 8, scaleShiftNorm: true, normGroups: 2);
        Assert.Equal(new[]
        {
            ("in_layers.0.weight", new long[] { 4 }), ("in_layers.0.bias", new long[] { 4 }),
            ("in_layers.2.weight", new long[] { 8, 4, 3, 3 }), ("in_layers.2.bias", new long[] { 8 }),
            ("emb_layers.1.weight", new long[] { 16, 6 }), ("emb_layers.1.bias", new long[] { 16 }),    // scale and shift
            ("out_layers.0.weight", new long[] { 8 }), ("out_layers.0.bias", new long[] { 8 }),
            ("out_layers.3.weight", new long[] { 8, 8, 3, 3 }), ("out_layers.3.bias", new long[] { 8 }),
            ("skip_connection.weight", new long[] { 8, 4, 1, 1 }), ("skip_connection.bias", new long[] { 8 }),
        }.Select(p => (p.Item1, string.Join(",", p.Item2))), Parameters(changing).Select(p => (p.Name, string.Join(",", p.Shape))));

        var x = randn(2, 4, 5, 5);
        var emb = randn(2, 6);
        var skip = nn.functional.conv2d(x, changing.state_dict()["skip_connection.weight"], changing.state_dict()["skip_connection.bias"]);
        Assert.True(changing.call(x, emb).equal(skip).all().item<bool>(), "a fresh block is its 1x1 skip");

        using var same = new ResBlock(4, 6, 0.0, 4, scaleShiftNorm: false, normGroups: 2);
        Assert.DoesNotContain(Parameters(same), p => p.Name.StartsWith("skip_connection", StringComparison.Ordinal));
        Assert.Equal(new long[] { 4, 6 }, same.state_dict()["emb_layers.1.weight"].shape);    // additive: one value per channel
        Assert.True(same.call(x, emb).equal(x).all().item<bool>(), "a fresh block of equal channels is the identity");
    }

    [Fact]
    public void Scale_shift_takes_the_scale_first_and_a_scale_of_minus_one_erases_the_activations()
    {
        // GroupNorm(h) (1 + scale) + shift with scale = -1 leaves only the shift: the block's output minus its input
        // no longer depends on the input. With the halves swapped (shift first), it would.
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        using var block = new ResBlock(4, 3, 0.0, 4, scaleShiftNorm: true, normGroups: 2);
        block.eval();
        SetParameter(block, "out_layers.3.weight", randn(4, 4, 3, 3) * 0.3);
        SetParameter(block, "emb_layers.1.weight", zeros(8, 3));
        SetParameter(block, "emb_layers.1.bias", cat(new[] { full(4, -1.0f), tensor(new[] { 0.5f, -0.2f, 1.0f, 0.1f }) }));
        var emb = randn(1, 3);
        var first = randn(1, 4, 6, 6);
        var second = randn(1, 4, 6, 6) * 3;
        var a = block.call(first, emb) - first;
        var b = block.call(second, emb) - second;
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-5), $"differ by {(a - b).abs().max().item<float>()}");
        Assert.True(a.abs().max().item<float>() > 0.01);

        // The additive block adds the same embedding before its norm instead, so its output does depend on the input.
        using var additive = new ResBlock(4, 3, 0.0, 4, scaleShiftNorm: false, normGroups: 2);
        additive.eval();
        SetParameter(additive, "out_layers.3.weight", randn(4, 4, 3, 3) * 0.3);
        var c = additive.call(first, emb) - first;
        var d = additive.call(second, emb) - second;
        Assert.False(c.allclose(d, rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void Attention_starts_as_the_identity_and_on_one_position_adds_the_value_bias()
    {
        using var scope = NewDisposeScope();
        using var attention = new AttentionBlock(channels: 4, heads: 2, normGroups: 4);
        Assert.Equal(new[] { "norm.weight", "norm.bias", "qkv.weight", "qkv.bias", "proj_out.weight", "proj_out.bias" },
            Parameters(attention).Select(p => p.Name));
        Assert.Equal(new long[] { 12, 4, 1 }, attention.state_dict()["qkv.weight"].shape);
        Assert.Equal(new long[] { 4, 4, 1 }, attention.state_dict()["proj_out.weight"].shape);
        var x = randn(2, 4, 3, 3);
        Assert.True(attention.call(x).equal(x).all().item<bool>(), "proj_out starts at zero");

        // One position, one channel per group: GroupNorm gives 0 (up to rounding), so v is qkv's bias rows 8..11 (q, k,
        // v in that order, then heads); attention over one position returns v whatever q and k, and proj_out = I adds it.
        SetParameter(attention, "qkv.bias", arange(12, dtype: ScalarType.Float32));
        SetParameter(attention, "proj_out.weight", eye(4).unsqueeze(-1));
        var single = randn(3, 4, 1, 1);
        var expected = single + tensor(new[] { 8f, 9f, 10f, 11f }).reshape(1, 4, 1, 1);
        var actual = attention.call(single);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-4), $"off by {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Resampling_by_hand_with_a_centre_tap_kernel()
    {
        using var scope = NewDisposeScope();
        var centre = zeros(1, 1, 3, 3);
        centre[0, 0, 1, 1] = tensor(1f);
        var x = tensor(new[] { 1f, 2f, 3f, 4f }).reshape(1, 1, 2, 2);

        using var up = new Upsample(1);
        Assert.Equal(new[] { "conv.weight", "conv.bias" }, Parameters(up).Select(p => p.Name));
        SetParameter(up, "conv.weight", centre);
        SetParameter(up, "conv.bias", zeros(1));
        var doubled = tensor(new[] { 1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f }).reshape(1, 1, 4, 4);
        Assert.True(up.call(x).equal(doubled).all().item<bool>(), "nearest x2, then the identity kernel");

        using var down = new Downsample(1);
        Assert.Equal(new[] { "op.weight", "op.bias" }, Parameters(down).Select(p => p.Name));
        SetParameter(down, "op.weight", centre);
        SetParameter(down, "op.bias", zeros(1));
        var halved = down.call(doubled);    // stride 2 from (0, 0): rows and columns 0 and 2
        Assert.True(halved.equal(tensor(new[] { 1f, 2f, 3f, 4f }).reshape(1, 1, 2, 2)).all().item<bool>());
        Assert.Equal(new long[] { 1, 1, 4, 4 }, down.call(randn(1, 1, 7, 7)).shape);    // odd sizes round up, as 7 -> 4
    }

    [Fact]
    public void Time_embedding_is_the_sinusoidal_features_through_keys_0_and_2_in_the_networks_dtype()
    {
        using var scope = NewDisposeScope();
        using var embedding = new TimeEmbedding(modelChannels: 8, width: 32);
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, Parameters(embedding).Select(p => p.Name));
        var t = tensor(new long[] { 0, 7, 999 });
        var state = embedding.state_dict();
        var features = TimestepEmbedder.SinusoidalFeatures(t, 8);
        var expected = nn.functional.linear(nn.functional.silu(nn.functional.linear(features, state["0.weight"], state["0.bias"])),
            state["2.weight"], state["2.bias"]);
        Assert.True(embedding.call(t).equal(expected).all().item<bool>());
        embedding.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, embedding.call(t).dtype);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeEmbedding(7, 28));
    }

    [Fact]
    public void Pooled_head_starts_at_zero_and_is_a_linear_map_of_the_pooled_activations()
    {
        using var scope = NewDisposeScope();
        using var head = new PooledHead(channels: 4, outputs: 3, normGroups: 2);
        Assert.Equal(new[] { ("0.weight", "4"), ("0.bias", "4"), ("3.weight", "3,4,1,1"), ("3.bias", "3") },
            Parameters(head).Select(p => (p.Name, string.Join(",", p.Shape))));
        var h = randn(2, 4, 5, 5);
        Assert.Equal(0f, head.call(h).abs().max().item<float>());

        var weight = randn(3, 4, 1, 1);
        SetParameter(head, "3.weight", weight);
        var pooled = nn.functional.silu(nn.functional.group_norm(h, 2, eps: 1e-5)).mean(new long[] { 2, 3 });
        var expected = pooled.matmul(weight.flatten(1).t());
        Assert.True(head.call(h).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Timestep_sequence_gives_the_embedding_only_to_the_blocks_that_take_it()
    {
        using var scope = NewDisposeScope();
        var layers = new UNetLayers(EmbeddingWidth: 6, Dropout: 0.0, ScaleShiftNorm: true, NormGroups: 2, Heads: 1);
        using var sequence = new TimestepEmbedSequential(layers.ResBlock(4, 4), layers.Attention(4), new Downsample(4));
        Assert.StartsWith("0.in_layers.0.weight", Parameters(sequence)[0].Name);
        Assert.Contains(Parameters(sequence), p => p.Name == "1.qkv.weight");
        Assert.Contains(Parameters(sequence), p => p.Name == "2.op.weight");
        var x = randn(2, 4, 6, 6);
        Assert.Equal(new long[] { 2, 4, 3, 3 }, sequence.call(x, randn(2, 6)).shape);
        Assert.Throws<ArgumentException>(() => new TimestepEmbedSequential(nn.LSTM(2, 2)));
    }
}
