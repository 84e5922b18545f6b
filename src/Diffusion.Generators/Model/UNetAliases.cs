using System.Collections.Generic;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names a generated U-Net or encoder file may declare, as <see cref="DiTAliases"/> for the DiT: inside the
/// user's namespace, written in full where the declaration's namespace or class takes the name
/// (<see cref="UNetSpec.Shadowed"/>, <see cref="EncoderSpec.Shadowed"/>). A file declares only those it uses.
/// </summary>
internal static class UNetAliases
{
    public const string Blocks = "global::Diffusion.Runtime.Networks.UNet.";

    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("torch", "global::TorchSharp.torch"),
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Scalar", "global::TorchSharp.Scalar"),
        new TypeAlias("Embedding", "global::TorchSharp.Modules.Embedding"),
        new TypeAlias("Sequential", "global::TorchSharp.Modules.Sequential"),
        new TypeAlias("TimestepBlocks", "global::TorchSharp.Modules.ModuleList<" + Blocks + "TimestepEmbedSequential>"),
        new TypeAlias("TimeEmbedding", Blocks + "TimeEmbedding"),
        new TypeAlias("UNetLayers", Blocks + "UNetLayers"),
        new TypeAlias("TimestepEmbedSequential", Blocks + "TimestepEmbedSequential"),
        new TypeAlias("Downsample", Blocks + "Downsample"),
        new TypeAlias("Upsample", Blocks + "Upsample"),
        new TypeAlias("OutputLayers", Blocks + "OutputLayers"),
        new TypeAlias("PooledHead", Blocks + "PooledHead"),
        new TypeAlias("TextEmbedder", "global::Diffusion.Runtime.Networks.TextEmbedder"),
        new TypeAlias("TextConditioning", "global::Diffusion.Runtime.Text.TextConditioning"),
    };
}
