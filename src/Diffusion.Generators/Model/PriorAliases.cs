using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names of a generated diffusion prior's file: those it shares with a text-conditioned DiT's file
/// (<see cref="DiTAliases"/>), then its transformer. They are declared inside the user's namespace; those a type of the
/// namespace or a member of the class takes (<see cref="PriorSpec.Shadowed"/>) are written in full instead.
/// </summary>
internal static class PriorAliases
{
    private static readonly string[] Shared =
    {
        "torch", "Tensor", "Scalar", "Parameter", "Linear", "TimestepEmbedder", "TextEmbedder", "TextConditioning",
    };

    public static readonly IReadOnlyList<TypeAlias> All = DiTAliases.WithText
        .Where(alias => Shared.Contains(alias.Name))
        .Concat(new[] { new TypeAlias("PriorTransformer", DiTAliases.Networks + "PriorTransformer") })
        .ToArray();
}
