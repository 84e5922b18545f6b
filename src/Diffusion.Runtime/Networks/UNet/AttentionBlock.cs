using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// Self-attention over the H x W positions (Ho et al. 2020, Appendix B; guided-diffusion's AttentionBlock): GroupNorm,
/// a 1x1 qkv convolution, multi-head scaled dot-product attention, a zero-initialised 1x1 output convolution, plus the
/// input, so the block starts as the identity. Keys <c>norm</c>, <c>qkv</c> (3C, C, 1), <c>proj_out</c> (C, C, 1). The
/// qkv channels are ordered q, k, v, then heads (guided-diffusion's QKVAttention, use_new_attention_order = True).
/// </summary>
/// <remarks>
/// The 1x1 convolutions over the positions are computed as Linear maps over (N, HW, C) tokens with the weights viewed
/// as (out, C): the same function, and the same float32 operations the earlier generated block ran.
/// </remarks>
public sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.GroupNorm norm;
    private readonly TorchSharp.Modules.Conv1d qkv;
    private readonly TorchSharp.Modules.Conv1d proj_out;
    private readonly int channels;
    private readonly int heads;

    /// <summary>Self-attention over <paramref name="channels"/> channels in <paramref name="heads"/> heads.</summary>
    public AttentionBlock(int channels, int heads, int normGroups) : base(nameof(AttentionBlock))
    {
        if (heads < 1 || channels % heads != 0)
            throw new ArgumentOutOfRangeException(nameof(heads), $"heads = {heads}; use a divisor of the channels {channels}.");
        this.channels = channels;
        this.heads = heads;
        norm = Normalization.GroupNorm(normGroups, channels);
        qkv = nn.Conv1d(channels, 3 * channels, kernel_size: 1);
        proj_out = Normalization.Zero(nn.Conv1d(channels, channels, kernel_size: 1));
        register_module(nameof(norm), norm);
        register_module(nameof(qkv), qkv);
        register_module(nameof(proj_out), proj_out);
    }

    /// <summary>x (N, C, H, W) to (N, C, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], height = x.shape[2], width = x.shape[3], positions = height * width;
        var tokens = norm.call(x).flatten(2).transpose(1, 2);                                       // (N, HW, C)
        var projected = nn.functional.linear(tokens, qkv.weight.squeeze(-1), qkv.bias);              // (N, HW, 3C)
        var qkvHeads = projected.reshape(n, positions, 3, heads, channels / heads).permute(2, 0, 3, 1, 4);    // (3, N, h, HW, C/h)
        // softmax(q k^T / sqrt(C / h)) v (Vaswani et al. 2017, Eq. 1)
        var attended = nn.functional.scaled_dot_product_attention(qkvHeads[0], qkvHeads[1], qkvHeads[2]);    // (N, h, HW, C/h)
        var merged = attended.transpose(1, 2).reshape(n, positions, channels);                       // (N, HW, C)
        var output = nn.functional.linear(merged, proj_out.weight.squeeze(-1), proj_out.bias);       // (N, HW, C)
        using var one = 1.ToScalar();    // the residual's alpha: operator + would leave one to the finalizer
        return x.add(output.transpose(1, 2).reshape(n, channels, height, width), one).MoveToOuterDisposeScope();
    }
}
