using System;
using System.Collections.Generic;
using System.Linq;

namespace Diffusion.Runtime.Models;

/// <summary>
/// The models and noisy classifiers an assembly declares, by name: what a command line's <c>--model</c> chooses from.
/// Names and aliases are unique ignoring case, and at most one entry of each kind is the default.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>A catalog of <paramref name="entries"/>, in the order help texts list them.</summary>
    /// <exception cref="ArgumentException">Two entries answer to the same name, or two of one kind are the default.</exception>
    public ModelCatalog(params ModelEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            foreach (var name in entry.Aliases.Prepend(entry.Name))
            {
                if (!names.TryAdd(name, entry.Name))
                    throw new ArgumentException($"'{name}' names both {names[name]} and {entry.Name}; give every model its own names.", nameof(entries));
            }
        }
        foreach (var kind in entries.Where(e => e.IsDefault).GroupBy(e => e.Kind).Where(g => g.Count() > 1))
            throw new ArgumentException($"{string.Join(" and ", kind.Select(e => e.Name))} are both the default {kind.Key} model; mark one.", nameof(entries));
        Entries = entries.ToArray();
    }

    /// <summary>
    /// Every entry, in the order the catalog lists them (a generated catalog: diffusion models, then classifiers, each
    /// by full name).
    /// </summary>
    public IReadOnlyList<ModelEntry> Entries { get; }

    /// <summary>The entries of the given kinds, in the catalog's order.</summary>
    public IReadOnlyList<ModelEntry> OfKind(params ModelKind[] kinds) => Entries.Where(e => kinds.Contains(e.Kind)).ToArray();

    /// <summary>The entry answering to <paramref name="name"/> (its name or an alias, any case), or null.</summary>
    public ModelEntry? Find(string name) => Entries.FirstOrDefault(e => e.Answers(name));
}
