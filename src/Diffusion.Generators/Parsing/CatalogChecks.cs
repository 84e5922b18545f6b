using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// The declarations taken together: which entries the catalog lists, in what order, and the names and defaults that
/// clash (the runtime's ModelCatalog would refuse them when the program starts; the generator says so while typing).
/// </summary>
internal static class CatalogChecks
{
    /// <summary>The generated class's name.</summary>
    public const string ClassName = "DeclaredModels";

    /// <summary>
    /// The catalog of the entries whose declarations got code (<paramref name="generated"/>): diffusion models, then
    /// noisy classifiers, then autoencoders, each by full name. DDSL023 on a name already taken (the later class is left out, or its
    /// CommandName), DDSL024 on a second default of a kind (it is not the default).
    /// </summary>
    public static CatalogSpec Build(
        ImmutableArray<CatalogEntry> entries,
        ImmutableArray<TypeName?> generated,
        CatalogTarget target,
        List<DiagnosticInfo> diagnostics)
    {
        var withCode = new HashSet<TypeName>(generated.Where(t => t is not null)!);
        var ordered = entries
            .Where(e => withCode.Contains(e.Type))
            .OrderBy(e => e.Category)
            .ThenBy(e => e.Type.FullName, StringComparer.Ordinal)
            .ToList();

        var names = new Dictionary<string, CatalogEntry>(StringComparer.OrdinalIgnoreCase);
        var defaults = new Dictionary<CatalogCategory, CatalogEntry>();
        var listed = new List<CatalogEntry>();
        foreach (var entry in ordered)
        {
            var current = entry;
            if (names.TryGetValue(current.Type.Name, out var owner))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateModelName, current.Identifier,
                    current.Type.Name, Describe(owner), Describe(current), "rename one of the classes"));
                continue;
            }
            names.Add(current.Type.Name, current);
            if (current.CommandName is { } alias)
            {
                if (string.Equals(alias, current.Type.Name, StringComparison.OrdinalIgnoreCase))
                {
                    current = current with { CommandName = null }; // the class name itself: nothing to add
                }
                else if (names.TryGetValue(alias, out owner))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateModelName, current.CommandNameLocation,
                        alias, Describe(owner), Describe(current), "choose another CommandName"));
                    current = current with { CommandName = null };
                }
                else
                {
                    names.Add(alias, current);
                }
            }
            if (current.IsDefault)
            {
                if (defaults.TryGetValue(current.Category, out var first))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SecondDefaultModel, current.IsDefaultLocation,
                        first.Type.Name, current.Type.Name, current.Kind)
                        .WithFix(Fix.Set("IsDefault", "false")));
                    current = current with { IsDefault = false };
                }
                else
                {
                    defaults.Add(current.Category, current);
                }
            }
            listed.Add(current);
        }

        bool emit = listed.Count > 0 && !target.NameTaken;
        return new CatalogSpec(target.Namespace, emit, new EquatableArray<CatalogEntry>(listed));
    }

    /// <summary>An entry as DDSL023 names it: its full name, "Examples.Mnist.MnistDiffusion".</summary>
    private static string Describe(CatalogEntry entry) =>
        entry.Type.Namespace.Length == 0 ? entry.Type.Name : entry.Type.Namespace + "." + entry.Type.Name;
}
