using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// Multi-head self-attention as timm's Attention, which the reference DiT block uses: one qkv projection, scaled
/// dot-product attention per head (under a mask of the keys each query sees, for the diffusion prior's decoder), an
/// output projection. <c>qkv</c> and <c>proj</c> are the reference keys.
/// Inside an <see cref="Autocast"/> scope all three run in its low precision and so does the output.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear qkv;
    private readonly TorchSharp.Modules.Linear proj;
    private readonly int width;
    private readonly int heads;

    /// <summary>Self-attention over tokens of <paramref name="width"/> features in <paramref name="heads"/> heads.</summary>
    public Attention(int width, int heads) : base(nameof(Attention))
    {
        if (heads < 1 || width % heads != 0)
            throw new ArgumentOutOfRangeException(nameof(heads), $"heads = {heads}; use a divisor of the width {width}.");
        this.width = width;
        this.heads = heads;
        qkv = nn.Linear(width, 3 * width);
        proj = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>x (N, T, D) to (N, T, D).</summary>
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>
    /// x (N, T, D) to (N, T, D), query i seeing key j only where <paramref name="allowed"/> (N or 1, 1, T, T) bool is
    /// true, the scores of the others at -inf (a decoder's causal mask, Vaswani et al. 2017, Sec. 3.2.3); null: every
    /// key. Every query must see at least one key.
    /// </summary>
    public Tensor forward(Tensor x, Tensor? allowed)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], tokens = x.shape[1];
        var qkvHeads = Autocast.Linear(qkv, x).reshape(n, tokens, 3, heads, width / heads).permute(2, 0, 3, 1, 4);    // (3, N, h, T, D/h)
        // softmax(q k^T / sqrt(D / h) + M) v, M = -inf where a key is hidden (Vaswani et al. 2017, Eq. 1)
        var attended = nn.functional.scaled_dot_product_attention(
            qkvHeads[0], qkvHeads[1], qkvHeads[2], attn_mask: allowed);                                      // (N, h, T, D/h)
        var merged = attended.transpose(1, 2).reshape(n, tokens, width);                                     // (N, T, D)
        return Autocast.Linear(proj, merged).MoveToOuterDisposeScope();                                      // (N, T, D)
    }
}
