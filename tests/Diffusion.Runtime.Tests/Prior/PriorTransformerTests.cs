using System;
using System.Linq;
using Diffusion.Runtime.Networks;
using Diffusion.Runtime.Text;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Prior;

/// <summary>
/// The diffusion prior's transformer (Ramesh et al. 2022, Sec. 2.1): its causal mask (a later token never changes an
/// earlier position), padding keys hidden, a one-block one-head forward against a hand computation, and the generated
/// prior's shapes, parameter count and null embedding.
/// </summary>
public class PriorTransformerTests
{
    /// <summary>Sets every parameter of <paramref name="module"/> to normal(0, <paramref name="std"/>) draws.</summary>
    private static void Randomize(nn.Module module, double std, long seed)
    {
        using var noGrad = no_grad();
        random.manual_seed(seed);
        foreach (var parameter in module.parameters()) nn.init.normal_(parameter, 0.0, std);
    }

    /// <summary>The largest |a - b| over the positions [from, to) of two (N, S, D) outputs.</summary>
    private static double Difference(Tensor a, Tensor b, long from, long to)
    {
        using var scope = NewDisposeScope();
        return (a.narrow(1, from, to - from) - b.narrow(1, from, to - from)).abs().max().item<float>();
    }

    [Fact]
    public void ALaterTokenDoesNotChangeAnEarlierPosition()
    {
        using var transformer = new PriorTransformer(depth: 2, width: 8, heads: 2, mlpHidden: 16);
        Randomize(transformer, 0.5, 1);
        random.manual_seed(2);
        using var h = randn(3, 6, 8);
        using var changed = h.clone();
        using (no_grad()) changed[.., 4] = randn(3, 8);    // token 4 of 6
        using var before = transformer.call(h, null);
        using var after = transformer.call(changed, null);
        Assert.Equal(0.0, Difference(before, after, 0, 4));        // positions 0..3 do not see token 4
        Assert.True(Difference(before, after, 4, 6) > 1e-2);      // positions 4 and 5 do: the test can fail
    }

    [Fact]
    public void APaddingKeyIsSeenByNoOtherPositionButItself()
    {
        using var transformer = new PriorTransformer(depth: 2, width: 8, heads: 2, mlpHidden: 16);
        Randomize(transformer, 0.5, 3);
        random.manual_seed(4);
        using var h = randn(2, 5, 8);
        using var changed = h.clone();
        using (no_grad()) changed[.., 1] = randn(2, 8);    // token 1, padding below
        using var keep = tensor(new[] { true, false, true, true, true }).reshape(1, 5).expand(2, 5);
        using var before = transformer.call(h, keep);
        using var after = transformer.call(changed, keep);
        Assert.Equal(0.0, Difference(before, after, 0, 1));
        Assert.Equal(0.0, Difference(before, after, 2, 5));       // later positions do not see the padding
        Assert.True(Difference(before, after, 1, 2) > 1e-2);      // the padding position sees itself
        Assert.False(before.isnan().any().item<bool>());
        // Without the mask the later positions see token 1.
        using var unmasked = transformer.call(changed, null);
        using var unmaskedBefore = transformer.call(h, null);
        Assert.True(Difference(unmaskedBefore, unmasked, 2, 5) > 1e-2);
    }

    /// <summary>
    /// One block, one head, width 2, MLP hidden 2, over 3 tokens with set weights, against the same forward written out
    /// in float64: LN, q = k = v = LN(x) W (W = [[1, 0.5], [-0.5, 1]]), causal softmax(q k^T / sqrt(2)) v, proj, the
    /// residual, LN, fc1, GELU (tanh), fc2, the residual, the final LN.
    /// </summary>
    [Fact]
    public void OneBlockOneHeadMatchesTheForwardWrittenOut()
    {
        using var transformer = new PriorTransformer(depth: 1, width: 2, heads: 1, mlpHidden: 2);
        double[,] w = { { 1, 0.5 }, { -0.5, 1 } };          // (out, in), the Linear's weight layout
        double[,] proj = { { 0.8, -0.2 }, { 0.3, 0.6 } };
        double[,] fc1 = { { 0.7, 0.1 }, { -0.4, 0.9 } };
        double[,] fc2 = { { 0.5, -0.6 }, { 0.2, 0.4 } };
        double[] b1 = { 0.1, -0.2 }, b2 = { 0.05, 0.0 };
        using (no_grad())
        {
            foreach (var (name, p) in transformer.named_parameters())
            {
                double[] values = name switch
                {
                    "blocks.0.attn.qkv.weight" => Flat(w).Concat(Flat(w)).Concat(Flat(w)).ToArray(),
                    "blocks.0.attn.qkv.bias" => new double[6],
                    "blocks.0.attn.proj.weight" => Flat(proj),
                    "blocks.0.attn.proj.bias" => new double[2],
                    "blocks.0.mlp.fc1.weight" => Flat(fc1),
                    "blocks.0.mlp.fc1.bias" => b1,
                    "blocks.0.mlp.fc2.weight" => Flat(fc2),
                    "blocks.0.mlp.fc2.bias" => b2,
                    _ when name.EndsWith(".weight", StringComparison.Ordinal) => new[] { 1.0, 1.0 },    // LayerNorm
                    _ => new[] { 0.0, 0.0 },
                };
                p.copy_(tensor(values.Select(v => (float)v).ToArray()).reshape(p.shape));
            }
        }
        double[][] x = { new[] { 1.0, -1.0 }, new[] { 0.5, 2.0 }, new[] { -1.5, 0.25 } };
        using var input = tensor(x.SelectMany(r => r).Select(v => (float)v).ToArray()).reshape(1, 3, 2);
        using var output = transformer.call(input, null);

        var normalized = x.Select(LayerNorm).ToArray();
        var q = normalized.Select(r => Apply(w, r, null)).ToArray();    // q = k = v
        var h = new double[3][];
        for (int i = 0; i < 3; i++)
        {
            // Causal: query i sees keys 0..i (Vaswani et al. 2017, Eq. 1, masked).
            var scores = Enumerable.Range(0, i + 1).Select(j => (q[i][0] * q[j][0] + q[i][1] * q[j][1]) / Math.Sqrt(2)).ToArray();
            double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
            var attended = new double[2];
            for (int j = 0; j <= i; j++)
            {
                double a = Math.Exp(scores[j] - max) / sum;
                attended[0] += a * q[j][0];
                attended[1] += a * q[j][1];
            }
            var projected = Apply(proj, attended, null);
            var residual = new[] { x[i][0] + projected[0], x[i][1] + projected[1] };
            var hidden = Apply(fc1, LayerNorm(residual), b1).Select(Gelu).ToArray();
            var mlp = Apply(fc2, hidden, b2);
            h[i] = LayerNorm(new[] { residual[0] + mlp[0], residual[1] + mlp[1] });
        }
        for (int i = 0; i < 3; i++)
        {
            for (int d = 0; d < 2; d++) Assert.Equal(h[i][d], output[0, i, d].item<float>(), 5);
        }
    }

    private static double[] Flat(double[,] m) => new[] { m[0, 0], m[0, 1], m[1, 0], m[1, 1] };

    /// <summary>y = W x + b for W (out, in).</summary>
    private static double[] Apply(double[,] m, double[] v, double[]? b) => new[]
    {
        m[0, 0] * v[0] + m[0, 1] * v[1] + (b?[0] ?? 0),
        m[1, 0] * v[0] + m[1, 1] * v[1] + (b?[1] ?? 0),
    };

    /// <summary>(v - mean) / sqrt(var + 1e-5), the biased variance, unit weight and zero bias (Ba et al. 2016).</summary>
    private static double[] LayerNorm(double[] v)
    {
        double mean = v.Average(), variance = v.Select(e => (e - mean) * (e - mean)).Average();
        return v.Select(e => (e - mean) / Math.Sqrt(variance + 1e-5)).ToArray();
    }

    /// <summary>GELU's tanh approximation (Hendrycks and Gimpel 2016, Sec. 2).</summary>
    private static double Gelu(double u) => 0.5 * u * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));

    /// <summary>The texts of two rows: 2 and 1 real tokens of 3, padding past them filled with <paramref name="padding"/>.</summary>
    private static TextConditioning Texts(float padding, Tensor? dropped = null, long seed = 5)
    {
        random.manual_seed(seed);
        var pooled = randn(2, 4);
        var tokens = randn(2, 3, 5);
        var mask = tensor(new[] { true, true, false, true, false, false }).reshape(2, 3);
        using (no_grad()) tokens.masked_fill_(mask.logical_not().unsqueeze(2), padding);
        return new TextConditioning(pooled, tokens, mask, dropped);
    }

    [Fact]
    public void TheGeneratedPriorHasItsDeclaredShapesAndParameterCount()
    {
        using var prior = new TokenPrior();
        Assert.Equal(TokenPrior.ParameterCount, prior.parameters().Sum(p => p.numel()));
        Assert.Equal(3 + 4, TokenPrior.SequenceLength);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 1, 1);
        var output = prior.call(x, tensor(new long[] { 0, 7 }), null, Texts(0));
        Assert.Equal(new long[] { 2, 3, 1, 1 }, output.shape);
    }

    [Fact]
    public void PaddingTokensDoNotChangeTheOutputAndRealTokensDo()
    {
        using var prior = new TokenPrior();
        Randomize(prior, 0.3, 6);
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var x = randn(2, 3, 1, 1);
        var t = tensor(new long[] { 3, 50 });
        var plain = prior.call(x, t, null, Texts(0));
        var padded = prior.call(x, t, null, Texts(9));
        Assert.Equal(0.0, (plain - padded).abs().max().item<float>(), 6);
        var text = Texts(0);
        using (no_grad()) text.Tokens[0, 0] = randn(5);    // a real token of row 0
        var other = prior.call(x, t, null, text);
        Assert.True((plain[0] - other[0]).abs().max().item<float>() > 1e-3);
        Assert.Equal(0.0, (plain[1] - other[1]).abs().max().item<float>(), 6);
    }

    [Fact]
    public void ADroppedRowIgnoresItsText()
    {
        using var prior = new TokenPrior();
        Randomize(prior, 0.3, 8);
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var x = randn(2, 3, 1, 1);
        var t = tensor(new long[] { 10, 10 });
        var dropped = tensor(new[] { true, false });
        var first = prior.call(x, t, null, Texts(0, dropped, seed: 5));
        var second = prior.call(x, t, null, Texts(0, dropped, seed: 11));    // other texts, row 0 still dropped
        Assert.Equal(0.0, (first[0] - second[0]).abs().max().item<float>(), 6);
        Assert.True((first[1] - second[1]).abs().max().item<float>() > 1e-3);
    }
}
