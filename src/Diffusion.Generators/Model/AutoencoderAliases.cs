using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names the generated [Autoencoder] files may declare, inside the user's namespace as the U-Net's
/// (<see cref="UNetAliases"/>); a name the namespace or the class already takes is in
/// <see cref="AutoencoderSpec.Shadowed"/> and written in full. Each file declares only those it uses.
/// </summary>
internal static class AutoencoderAliases
{
    private const string Blocks = "global::Diffusion.Runtime.Networks.";

    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("torch", "global::TorchSharp.torch"),
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Generator", "global::TorchSharp.torch.Generator"),
        new TypeAlias("Scalars", "global::TorchSharp.ScalarExtensionMethods"),
        new TypeAlias("Conv2d", "global::TorchSharp.Modules.Conv2d"),
        new TypeAlias("GroupNorm", "global::TorchSharp.Modules.GroupNorm"),
        new TypeAlias("Sequential", "global::TorchSharp.Modules.Sequential"),
        new TypeAlias("Levels", "global::TorchSharp.Modules.ModuleList<global::TorchSharp.Modules.Sequential>"),
        new TypeAlias("ResnetBlock", Blocks + "Autoencoder.ResnetBlock"),
        new TypeAlias("AttentionBlock", Blocks + "UNet.AttentionBlock"),
        new TypeAlias("Downsample", Blocks + "UNet.Downsample"),
        new TypeAlias("Upsample", Blocks + "UNet.Upsample"),
        new TypeAlias("Normalization", Blocks + "UNet.Normalization"),
        new TypeAlias("DiagonalGaussian", "global::Diffusion.Runtime.Models.DiagonalGaussian"),
        new TypeAlias("IAutoencoder", "global::Diffusion.Runtime.Models.IAutoencoder"),
        new TypeAlias("ITrainableModel", "global::Diffusion.Runtime.Models.ITrainableModel"),
        new TypeAlias("ModelDescription", "global::Diffusion.Runtime.Models.ModelDescription"),
        new TypeAlias("ScheduleKind", "global::Diffusion.Dsl.ScheduleKind"),
        new TypeAlias("Hyperparameters", "global::System.Collections.Generic.Dictionary<string, double>"),
        new TypeAlias("ReadOnlyHyperparameters", "global::System.Collections.ObjectModel.ReadOnlyDictionary<string, double>"),
        new TypeAlias("ArgumentNullException", "global::System.ArgumentNullException"),
    };

    /// <summary>The aliases named, in <see cref="All"/>'s order.</summary>
    public static IEnumerable<TypeAlias> Only(params string[] names) => All.Where(a => names.Contains(a.Name));

    /// <summary>An alias name, or its full target where <paramref name="shadowed"/> holds it.</summary>
    public static string Resolve(string alias, EquatableArray<string> shadowed) =>
        shadowed.Contains(alias) ? All.First(a => a.Name == alias).Target : alias;
}
