using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Network;

/// <summary>
/// adaLN-Zero (Peebles and Xie 2023, Sec. 3.2): the modulation Linear of every block and of the final layer, and the
/// final Linear, start at zero, so each block is exactly the identity and the whole network outputs exactly zero.
/// </summary>
public class AdaLnZeroTests
{
    [Fact]
    public void Fresh_network_outputs_exactly_zero()
    {
        using var scope = NewDisposeScope();
        using var network = new TinyLabelledDit();
        manual_seed(3);
        var x = randn(5, 1, 4, 4);
        var t = tensor(new long[] { 0, 10, 200, 500, 999 });
        var y = tensor(new long[] { 0, 1, 0, 1, TinyLabelledDit.NullLabel });
        var output = network.call(x, t, y);
        Assert.Equal(new long[] { 5, 1, 4, 4 }, output.shape);
        Assert.Equal(0.0, output.abs().max().ToDouble());
    }

    [Fact]
    public void Fresh_blocks_are_exactly_the_identity_even_with_random_non_zero_weights_elsewhere()
    {
        using var scope = NewDisposeScope();
        using var network = new TinyDit();
        var namedBlocks = network.named_modules().Where(m => m.name.StartsWith("blocks.") && m.name.Count(c => c == '.') == 1).ToArray();
        Assert.Equal(TinyDit.Depth, namedBlocks.Length);
        manual_seed(4);
        var tokens = randn(3, TinyDit.Tokens, TinyDit.Width);
        var condition = randn(3, TinyDit.Width);
        foreach (var (_, module) in namedBlocks)
        {
            var block = (Diffusion.Runtime.Networks.DiTBlock)module;
            var output = block.call(tokens, condition);
            Assert.True(output.equal(tokens).all().item<bool>());
        }
    }

    [Fact]
    public void Parameter_names_are_the_reference_DiT_state_dict_keys()
    {
        using var network = new TinyLabelledDit();
        var keys = network.state_dict().Keys.ToHashSet();
        string[] expected =
        [
            "pos_embed", "x_embedder.proj.weight", "x_embedder.proj.bias",
            "t_embedder.mlp.0.weight", "t_embedder.mlp.0.bias", "t_embedder.mlp.2.weight", "t_embedder.mlp.2.bias",
            "y_embedder.embedding_table.weight",
            "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias",
            "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias",
            "blocks.0.adaLN_modulation.1.weight", "blocks.0.adaLN_modulation.1.bias",
            "blocks.1.adaLN_modulation.1.weight",
            "final_layer.linear.weight", "final_layer.linear.bias",
            "final_layer.adaLN_modulation.1.weight", "final_layer.adaLN_modulation.1.bias",
        ];
        foreach (var key in expected) Assert.Contains(key, keys);
        Assert.Equal(new long[] { TinyLabelledDit.Classes + 1, TinyLabelledDit.Width }, network.state_dict()["y_embedder.embedding_table.weight"].shape);
    }

    /// <summary>The fixed 2-D sine-cosine embedding of the reference get_2d_sincos_pos_embed, computed here by hand.</summary>
    [Fact]
    public void Position_embedding_is_the_reference_2d_sine_cosine_table()
    {
        using var network = new TinyDit();
        var table = network.state_dict()["pos_embed"];
        int width = TinyDit.Width, grid = TinyDit.InputSize / TinyDit.PatchSize, half = width / 2, quarter = width / 4;
        Assert.Equal(new long[] { 1, grid * grid, width }, table.shape);
        Assert.False(table.requires_grad);
        for (int i = 0; i < grid; i++)
        for (int j = 0; j < grid; j++)
        {
            int m = i * grid + j;
            for (int k = 0; k < quarter; k++)
            {
                double omega = 1.0 / System.Math.Pow(10000, k / (double)quarter);
                // first half: the column coordinate j; second half: the row coordinate i; each [sin..., cos...]
                Assert.Equal(System.Math.Sin(j * omega), table[0, m, k].ToDouble(), 5);
                Assert.Equal(System.Math.Cos(j * omega), table[0, m, quarter + k].ToDouble(), 5);
                Assert.Equal(System.Math.Sin(i * omega), table[0, m, half + k].ToDouble(), 5);
                Assert.Equal(System.Math.Cos(i * omega), table[0, m, half + quarter + k].ToDouble(), 5);
            }
        }
    }
}
