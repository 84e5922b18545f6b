namespace Diffusion.Generators.Model;

/// <summary>Where the catalog goes: the assembly's root namespace (empty: global), and whether a type there already takes the name.</summary>
internal sealed record CatalogTarget(string Namespace, bool NameTaken);
