using System.Threading;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// Where a code fix edits when the diagnostic is reported on one declaration but the edit belongs on another: the
/// network class a [DiffusionModel] names (see <see cref="Diagnostics.FixProperties"/>). Null when there is no syntax.
/// </summary>
internal static class FixTargets
{
    /// <summary>The attribute that declares <paramref name="network"/> as a network (its [DiffusionTransformer] or [UNet]).</summary>
    public static LocationInfo? Declaration(INamedTypeSymbol? network, CancellationToken cancellationToken) =>
        network is not null && NetworkKinds.Declaring(network) is { } kind ? Argument(network, kind.Attribute, null, cancellationToken) : null;

    /// <summary>
    /// The <c>Name = value</c> argument <paramref name="argument"/> of <paramref name="type"/>'s first attribute of the
    /// metadata name given, or that attribute when the argument is absent or null.
    /// </summary>
    public static LocationInfo? Argument(INamedTypeSymbol? type, string metadataName, string? argument, CancellationToken cancellationToken)
    {
        if (type is null) return null;
        var found = DeclarationChecks.Find(type, metadataName);
        if (found.Count == 0) return null;
        var view = new AttributeView(found[0], cancellationToken);
        return argument is null ? view.Location : view.NamedLocation(argument);
    }
}
