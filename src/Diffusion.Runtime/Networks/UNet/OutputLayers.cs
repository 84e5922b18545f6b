using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// guided-diffusion's UNetModel <c>out</c>: GroupNorm, SiLU and a zero-initialised 3x3 convolution to the output
/// channels, so the network starts by predicting zero. Keys <c>0</c> (the norm) and <c>2</c> (the convolution).
/// </summary>
public static class OutputLayers
{
    /// <summary>The output layers from <paramref name="channels"/> to <paramref name="outChannels"/>.</summary>
    public static TorchSharp.Modules.Sequential Create(int channels, int outChannels, int normGroups) =>
        nn.Sequential(
            Normalization.GroupNorm(normGroups, channels),
            nn.SiLU(),
            Normalization.Zero(nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1)));
}
