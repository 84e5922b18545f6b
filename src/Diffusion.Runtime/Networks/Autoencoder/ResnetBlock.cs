using System;
using Diffusion.Runtime.Networks.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.Autoencoder;

/// <summary>
/// The autoencoder's residual block (Rombach et al. 2022, Appendix G; LDM's <c>ResnetBlock</c> with
/// <c>temb_channels = 0</c>): the U-Net's <see cref="ResBlock"/> without a timestep embedding, since an autoencoder
/// sees no t. GroupNorm, SiLU, 3x3 conv, GroupNorm, SiLU, 3x3 conv, plus the skip (the identity, or a 1x1 conv when the
/// channels change). Keys as LDM's: <c>norm1</c>, <c>conv1</c>, <c>norm2</c>, <c>conv2</c>, <c>nin_shortcut</c>.
/// </summary>
/// <remarks>
/// Unlike the diffusion U-Net's block, the last convolution is not zero-initialised (LDM's is not): the decoder must
/// carry the latent to the output from the first step, and an autoencoder has no "start as the identity" to keep.
/// </remarks>
public sealed class ResnetBlock : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.GroupNorm norm1;
    private readonly TorchSharp.Modules.Conv2d conv1;
    private readonly TorchSharp.Modules.GroupNorm norm2;
    private readonly TorchSharp.Modules.Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> nin_shortcut;

    /// <summary>A block from <paramref name="channels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="normGroups">Groups of both GroupNorms; divides both channel counts.</param>
    public ResnetBlock(int channels, int outChannels, int normGroups) : base(nameof(ResnetBlock))
    {
        if (normGroups < 1 || channels % normGroups != 0 || outChannels % normGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(normGroups), $"normGroups = {normGroups} must divide {channels} and {outChannels}.");
        // Built in LDM's order, which is the order of the convolutions' random draws.
        norm1 = Normalization.GroupNorm(normGroups, channels);
        conv1 = nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1);
        norm2 = Normalization.GroupNorm(normGroups, outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1);
        nin_shortcut = channels == outChannels ? nn.Identity() : nn.Conv2d(channels, outChannels, kernel_size: 1);
        register_module(nameof(norm1), norm1);
        register_module(nameof(conv1), conv1);
        register_module(nameof(norm2), norm2);
        register_module(nameof(conv2), conv2);
        register_module(nameof(nin_shortcut), nin_shortcut);
    }

    /// <summary>x (N, channels, H, W) to (N, outChannels, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();    // the residual addition's alpha, disposed here rather than by the finalizer
        var h = conv1.call(nn.functional.silu(norm1.call(x)));               // (N, out, H, W)
        h = conv2.call(nn.functional.silu(norm2.call(h)));                   // (N, out, H, W)
        return nin_shortcut.call(x).add(h, one).MoveToOuterDisposeScope();   // (N, out, H, W)
    }
}
