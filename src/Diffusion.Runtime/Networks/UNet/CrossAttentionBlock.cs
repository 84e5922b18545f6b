using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// Cross-attention of a U-Net's H x W positions over a text encoder's token states, placed after each self-attention
/// block as latent diffusion's SpatialTransformer places it after self-attention (Rombach et al. 2022, Sec. 3.3;
/// Saharia et al. 2022, Sec. 2 add it to Imagen's U-Net at several resolutions): GroupNorm, the positions as tokens,
/// <see cref="Networks.CrossAttention"/> (padding keys masked) with its output projection zeroed, plus the input, so a
/// fresh block is the identity and the U-Net starts as it would without text tokens. Keys <c>norm</c> and <c>attn</c>
/// (<c>attn.q_linear</c>, <c>attn.kv_linear</c>, <c>attn.proj</c>).
/// </summary>
public sealed class CrossAttentionBlock : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.GroupNorm norm;
    private readonly CrossAttention attn;
    private readonly int channels;

    /// <summary>Positions of <paramref name="channels"/> channels attend over tokens of <paramref name="tokenDim"/> features.</summary>
    public CrossAttentionBlock(int channels, int heads, int normGroups, int tokenDim) : base(nameof(CrossAttentionBlock))
    {
        this.channels = channels;
        norm = Normalization.GroupNorm(normGroups, channels);
        attn = new CrossAttention(channels, heads, tokenDim);
        attn.ZeroOutput();
        register_module(nameof(norm), norm);
        register_module(nameof(attn), attn);
    }

    /// <summary>
    /// x (N, C, H, W) attending over tokens (N, L, D_token) with mask (N, L, bool; true at real tokens) to (N, C, H, W).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor tokens, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], height = x.shape[2], width = x.shape[3];
        var positions = norm.call(x).flatten(2).transpose(1, 2);                                     // (N, HW, C)
        var attended = attn.call(positions, tokens, mask);                                           // (N, HW, C)
        using var one = 1.ToScalar();    // the residual's alpha: operator + would leave one to the finalizer
        return x.add(attended.transpose(1, 2).reshape(n, channels, height, width), one).MoveToOuterDisposeScope();
    }
}
