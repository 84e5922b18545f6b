using System.Collections.Generic;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// Which short names a generated file of <c>symbol</c> must write in full: an alias inside the declaration's namespace
/// clashes with a type or namespace of the same name there (CS0576), and loses to a member of the declared class or
/// its bases.
/// </summary>
internal static class ShadowedNames
{
    /// <summary>The names of <paramref name="aliases"/> taken in <paramref name="symbol"/>'s namespace or class, sorted.</summary>
    /// <remarks>
    /// <paramref name="types"/> are declared types the files name (the network, the schedule): written short when they
    /// live in the declaration's namespace, so only a member of the class can take their name.
    /// </remarks>
    public static EquatableArray<string> Of(INamedTypeSymbol symbol, IReadOnlyList<TypeAlias> aliases, params TypeName[] types)
    {
        var taken = new List<string>();
        foreach (var alias in aliases)
        {
            if (System.Linq.Enumerable.Any(symbol.ContainingNamespace.GetMembers(alias.Name)) || IsMember(symbol, alias.Name)) taken.Add(alias.Name);
        }
        foreach (var type in types)
        {
            if (IsMember(symbol, type.Name) && !taken.Contains(type.Name)) taken.Add(type.Name);
        }
        taken.Sort(System.StringComparer.Ordinal);
        return new EquatableArray<string>(taken);
    }

    private static bool IsMember(INamedTypeSymbol symbol, string name)
    {
        for (var type = symbol; type is not null; type = type.BaseType)
        {
            if (type.GetMembers(name).Length > 0) return true;
        }
        return false;
    }
}
