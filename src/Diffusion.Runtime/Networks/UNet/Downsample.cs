using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>Halves the resolution with a 3x3 stride-2 convolution (guided-diffusion's Downsample, use_conv). Key <c>op</c>.</summary>
public sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d op;

    /// <summary>A downsampling of <paramref name="channels"/> channels.</summary>
    public Downsample(int channels) : base(nameof(Downsample))
    {
        op = nn.Conv2d(channels, channels, kernel_size: 3, stride: 2, padding: 1);
        register_module(nameof(op), op);
    }

    /// <summary>x (N, C, H, W) to (N, C, ceil(H / 2), ceil(W / 2)).</summary>
    public override Tensor forward(Tensor x) => op.call(x);
}
