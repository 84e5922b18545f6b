namespace Diffusion.Generators.Model;

/// <summary>
/// The assembly's model catalog: the namespace of its DeclaredModels class, whether the generator writes it, the
/// entries it lists (diffusion models, then noisy classifiers, each by full name; what a diagnostic refuses left out).
/// </summary>
/// <param name="Namespace">The namespace of DeclaredModels (empty for the global namespace).</param>
/// <param name="Emit">False when the assembly declares its own DeclaredModels there, or no entry got code.</param>
/// <param name="Entries">The entries to list.</param>
internal sealed record CatalogSpec(
    string Namespace,
    bool Emit,
    EquatableArray<CatalogEntry> Entries);
