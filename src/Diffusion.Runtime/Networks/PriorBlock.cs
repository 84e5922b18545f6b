using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// One pre-LN block of the diffusion prior's decoder-only transformer (Ramesh et al. 2022, Sec. 2.1; the block of
/// GPT-2, Radford et al. 2019, Sec. 2.3, as nanoGPT's Block): x = x + Attn(LN(x)) under the prior's mask, then
/// x = x + MLP(LN(x)). The LayerNorms are affine (unlike the DiT's, whose affine part adaLN supplies). Keys:
/// <c>ln_1</c>, <c>attn.qkv</c>, <c>attn.proj</c>, <c>ln_2</c>, <c>mlp.fc1</c>, <c>mlp.fc2</c>.
/// </summary>
public sealed class PriorBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.LayerNorm ln_1;
    private readonly Attention attn;
    private readonly TorchSharp.Modules.LayerNorm ln_2;
    private readonly Mlp mlp;

    /// <summary>
    /// A block over tokens of <paramref name="width"/> features: <paramref name="heads"/> attention heads, an MLP of
    /// <paramref name="mlpHidden"/> hidden units.
    /// </summary>
    public PriorBlock(int width, int heads, int mlpHidden) : base(nameof(PriorBlock))
    {
        ln_1 = nn.LayerNorm(width, eps: 1e-5);
        attn = new Attention(width, heads);
        ln_2 = nn.LayerNorm(width, eps: 1e-5);
        mlp = new Mlp(width, mlpHidden);
        RegisterComponents();
    }

    /// <summary>x (N, S, D) to (N, S, D); <paramref name="allowed"/> (N or 1, 1, S, S) is where query i sees key j.</summary>
    public override Tensor forward(Tensor x, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var h = x.add(attn.forward(ln_1.call(x), allowed), one);   // x + Attn(LN(x))  (N, S, D)
        var output = h.add(mlp.call(ln_2.call(h)), one);           // h + MLP(LN(h))   (N, S, D)
        return output.MoveToOuterDisposeScope();
    }
}
