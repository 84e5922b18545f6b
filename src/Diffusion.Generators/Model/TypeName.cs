using System.Linq;

namespace Diffusion.Generators.Model;

/// <summary>A declared type's namespace (empty for the global namespace), simple name and <c>global::</c> name.</summary>
internal sealed record TypeName(string Namespace, string Name)
{
    /// <remarks>Keyword names (a class or namespace named <c>@class</c>) are escaped, as the declarations escape them.</remarks>
    public string FullName => "global::" + string.Concat((Namespace.Length == 0 ? System.Array.Empty<string>() : Namespace.Split('.')).Select(part => Emitting.CodeWriter.Identifier(part) + ".")) + Emitting.CodeWriter.Identifier(Name);

    /// <summary>The generated file's hint name for one concern: {Namespace}.{Type}.{Concern}.g.cs.</summary>
    public string HintName(string concern) => (Namespace.Length == 0 ? Name : Namespace + "." + Name) + "." + concern + ".g.cs";
}
