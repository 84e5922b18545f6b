using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// guided-diffusion's EncoderUNetModel <c>out</c> with pool = "adaptive" (Dhariwal and Nichol 2021, Sec. 4): GroupNorm,
/// SiLU, global average pooling and a zero-initialised 1x1 convolution to the logits, so every class starts equally
/// likely. Keys <c>0</c> (the norm) and <c>3</c> (the convolution, (outputs, C, 1, 1)); the pooling and the flatten
/// hold no parameters.
/// </summary>
/// <remarks>
/// The pooling is a mean over H and W and the 1x1 convolution on the pooled (N, C, 1, 1) a Linear with the weight viewed
/// as (outputs, C): the same function, and the same float32 operations the earlier generated head ran.
/// </remarks>
public sealed class PooledHead : nn.Module<Tensor, Tensor>
{
    private static readonly long[] Spatial = { 2, 3 };
    // A tuple, which RegisterComponents does not register a second time under the field names.
    private readonly (TorchSharp.Modules.GroupNorm Norm, TorchSharp.Modules.Conv2d Conv) layers;

    /// <summary>A head from <paramref name="channels"/> to <paramref name="outputs"/> logits.</summary>
    public PooledHead(int channels, int outputs, int normGroups) : base(nameof(PooledHead))
    {
        layers = (Normalization.GroupNorm(normGroups, channels), Normalization.Zero(nn.Conv2d(channels, outputs, kernel_size: 1)));
        register_module("0", layers.Norm);
        register_module("3", layers.Conv);
    }

    /// <summary>h (N, C, H, W) to logits (N, outputs).</summary>
    public override Tensor forward(Tensor h)
    {
        using var scope = NewDisposeScope();
        var pooled = nn.functional.silu(layers.Norm.call(h)).mean(Spatial);                   // (N, C): global average
        var logits = nn.functional.linear(pooled, layers.Conv.weight.flatten(1), layers.Conv.bias);   // (N, outputs)
        return logits.MoveToOuterDisposeScope();
    }
}
