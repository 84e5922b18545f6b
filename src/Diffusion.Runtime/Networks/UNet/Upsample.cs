using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// Doubles the resolution: nearest-neighbour upsampling, then a 3x3 convolution (guided-diffusion's Upsample, use_conv).
/// Key <c>conv</c>.
/// </summary>
public sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private static readonly double[] Twice = { 2.0, 2.0 };
    private readonly TorchSharp.Modules.Conv2d conv;

    /// <summary>An upsampling of <paramref name="channels"/> channels.</summary>
    public Upsample(int channels) : base(nameof(Upsample))
    {
        conv = nn.Conv2d(channels, channels, kernel_size: 3, padding: 1);
        register_module(nameof(conv), conv);
    }

    /// <summary>x (N, C, H, W) to (N, C, 2H, 2W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var doubled = nn.functional.interpolate(x, scale_factor: Twice, mode: InterpolationMode.Nearest);    // (N, C, 2H, 2W)
        return conv.call(doubled).MoveToOuterDisposeScope();
    }
}
