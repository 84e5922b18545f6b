using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Generators.Model;

/// <summary>The short names of a generated cascade file (as <see cref="ModelAliases"/> for a model's files).</summary>
internal static class CascadeAliases
{
    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Generator", "global::TorchSharp.torch.Generator"),
        new TypeAlias("IDiffusionModel", "global::Diffusion.Runtime.Models.IDiffusionModel"),
        new TypeAlias("SampleRequest", "global::Diffusion.Runtime.Models.SampleRequest"),
        new TypeAlias("SamplerKind", "global::Diffusion.Dsl.SamplerKind"),
        new TypeAlias("ICascadeModel", "global::Diffusion.Runtime.Cascades.ICascadeModel"),
        new TypeAlias("CascadeSampling", "global::Diffusion.Runtime.Cascades.CascadeSampling"),
        new TypeAlias("ArgumentNullException", "global::System.ArgumentNullException"),
        new TypeAlias("StageList", "global::System.Collections.Generic.IReadOnlyList<global::Diffusion.Runtime.Models.IDiffusionModel>"),
        new TypeAlias("TensorList", "global::System.Collections.Generic.IReadOnlyList<global::TorchSharp.torch.Tensor>"),
    };

    /// <summary>What a cascade whose base is conditioned on text also names.</summary>
    public static readonly IReadOnlyList<TypeAlias> Text = new[]
    {
        new TypeAlias("ITextCascadeModel", "global::Diffusion.Runtime.Cascades.ITextCascadeModel"),
        new TypeAlias("TextConditioning", "global::Diffusion.Runtime.Text.TextConditioning"),
    };

    /// <summary>Every short name a cascade file may use: the names a user's own types shadow are checked against these.</summary>
    public static readonly IReadOnlyList<TypeAlias> Any = All.Concat(Text).ToArray();
}
