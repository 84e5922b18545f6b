namespace Diffusion.Generators.Model;

/// <summary>A declared type's namespace (empty for the global namespace), simple name and <c>global::</c> name.</summary>
internal sealed record TypeName(string Namespace, string Name)
{
    public string FullName => Namespace.Length == 0 ? "global::" + Name : "global::" + Namespace + "." + Name;

    /// <summary>The generated file's hint name for one concern: {Namespace}.{Type}.{Concern}.g.cs.</summary>
    public string HintName(string concern) => (Namespace.Length == 0 ? Name : Namespace + "." + Name) + "." + concern + ".g.cs";
}
