using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// Multi-head cross-attention of image tokens over text tokens, as PixArt-alpha's MultiHeadCrossAttention (Chen et al.
/// 2023, Sec. 2.3): Attention(Q = W_q h, K = W_k c, V = W_v c) with h the image tokens and c the text encoder's token
/// states (Saharia et al. 2022, Sec. 2; Vaswani et al. 2017, Eq. 1), padding keys masked out, then an output
/// projection. <c>q_linear</c>, <c>kv_linear</c> and <c>proj</c> are PixArt-alpha's state-dict keys. The network zeroes
/// <c>proj</c> (<see cref="ZeroOutput"/>), so the layer adds nothing until it trains.
/// </summary>
public sealed class CrossAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear q_linear;
    private readonly TorchSharp.Modules.Linear kv_linear;
    private readonly TorchSharp.Modules.Linear proj;
    private readonly int width;
    private readonly int heads;

    /// <summary>Image tokens of <paramref name="width"/> features attend over text tokens of <paramref name="tokenDim"/>.</summary>
    /// <param name="width">D, the image tokens' width.</param>
    /// <param name="heads">Attention heads; divides D.</param>
    /// <param name="tokenDim">D_text, the width of the text encoder's token states.</param>
    public CrossAttention(int width, int heads, int tokenDim) : base(nameof(CrossAttention))
    {
        if (heads < 1 || width % heads != 0)
            throw new ArgumentOutOfRangeException(nameof(heads), $"heads = {heads}; use a divisor of the width {width}.");
        if (tokenDim < 1) throw new ArgumentOutOfRangeException(nameof(tokenDim), $"tokenDim = {tokenDim}; use at least 1.");
        this.width = width;
        this.heads = heads;
        q_linear = nn.Linear(width, width);
        kv_linear = nn.Linear(tokenDim, 2 * width);
        proj = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>
    /// x (N, T, D) attending over tokens (N, L, D_text) whose mask (N, L, bool) is true at real tokens and false at
    /// padding, which no query sees; every row needs at least one real token. Returns (N, T, D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor tokens, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], t = x.shape[1], l = tokens.shape[1];
        var q = q_linear.call(x).reshape(n, t, heads, width / heads).transpose(1, 2);                 // (N, h, T, D/h)
        var kv = kv_linear.call(tokens).reshape(n, l, 2, heads, width / heads).permute(2, 0, 3, 1, 4);  // (2, N, h, L, D/h)
        var keep = mask.to_type(ScalarType.Bool).reshape(n, 1, 1, l);                                  // (N, 1, 1, L)
        // softmax(q k^T / sqrt(D / h) + mask) v, padding keys at -inf (Vaswani et al. 2017, Eq. 1)
        var attended = nn.functional.scaled_dot_product_attention(q, kv[0], kv[1], attn_mask: keep);   // (N, h, T, D/h)
        var merged = attended.transpose(1, 2).reshape(n, t, width);                                    // (N, T, D)
        return proj.call(merged).MoveToOuterDisposeScope();                                           // (N, T, D)
    }

    /// <summary>PixArt-alpha's initialisation of the output projection: weight and bias zero.</summary>
    public void ZeroOutput()
    {
        using var noGrad = no_grad();
        nn.init.zeros_(proj.weight);
        nn.init.zeros_(proj.bias!);
    }
}
