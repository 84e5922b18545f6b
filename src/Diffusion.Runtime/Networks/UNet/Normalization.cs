using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>guided-diffusion's <c>normalization(channels)</c>: the GroupNorm of every U-Net block.</summary>
public static class Normalization
{
    /// <summary>
    /// GroupNorm over <paramref name="channels"/> in <paramref name="groups"/> groups, affine weight 1 and bias 0 as
    /// PyTorch initialises it (TorchSharp 0.107 leaves them uninitialised; setting them draws no random numbers).
    /// </summary>
    public static TorchSharp.Modules.GroupNorm GroupNorm(int groups, int channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        using var noGrad = no_grad();
        if (norm.weight is { } weight) nn.init.ones_(weight);
        if (norm.bias is { } bias) nn.init.zeros_(bias);
        return norm;
    }

    /// <summary>guided-diffusion's <c>zero_module</c>: the convolution's weight and bias set to zero, in place.</summary>
    public static T Zero<T>(T convolution) where T : TorchSharp.Modules.Convolution
    {
        using var noGrad = no_grad();
        nn.init.zeros_(convolution.weight);
        if (convolution.bias is { } bias) nn.init.zeros_(bias);
        return convolution;
    }
}
