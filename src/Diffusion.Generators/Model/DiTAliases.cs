using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names of a generated DiT file. They are declared inside the user's namespace, where they win over
/// types of outer namespaces and usings; a type of the same name in that namespace, or a member of the declared
/// class, would clash (CS0576) or win, so the parser lists those names (<see cref="TransformerSpec.Shadowed"/>) and the
/// emitter writes them in full instead.
/// </summary>
internal static class DiTAliases
{
    public const string Networks = "global::Diffusion.Runtime.Networks.";

    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("torch", "global::TorchSharp.torch"),
        new TypeAlias("Tensor", "global::TorchSharp.torch.Tensor"),
        new TypeAlias("Scalar", "global::TorchSharp.Scalar"),
        new TypeAlias("Parameter", "global::TorchSharp.Modules.Parameter"),
        new TypeAlias("Linear", "global::TorchSharp.Modules.Linear"),
        new TypeAlias("PatchEmbed", Networks + "PatchEmbed"),
        new TypeAlias("PositionEmbedding", Networks + "PositionEmbedding"),
        new TypeAlias("TimestepEmbedder", Networks + "TimestepEmbedder"),
        new TypeAlias("LabelEmbedder", Networks + "LabelEmbedder"),
        new TypeAlias("DiTBlock", Networks + "DiTBlock"),
        new TypeAlias("FinalLayer", Networks + "FinalLayer"),
        new TypeAlias("Patches", Networks + "Patches"),
    };

    /// <summary>The names only a text-conditioned DiT writes, declared only there so other files stay as they are.</summary>
    public static readonly IReadOnlyList<TypeAlias> Text = new[]
    {
        new TypeAlias("TextEmbedder", Networks + "TextEmbedder"),
        new TypeAlias("TextConditioning", "global::Diffusion.Runtime.Text.TextConditioning"),
    };

    /// <summary><see cref="All"/> then <see cref="Text"/>: every name a DiT file may write.</summary>
    public static readonly IReadOnlyList<TypeAlias> WithText = All.Concat(Text).ToArray();
}
