using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;
using Diffusion.Generators.Parsing;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {RootNamespace}.DeclaredModels.Catalog.g.cs: the assembly's declared diffusion models, noisy classifiers and
/// autoencoders as the runtime's ModelCatalog, one ModelEntry per declaration, so a program's Main is
/// <c>DiffusionHost.Run(args, DeclaredModels.Catalog)</c>. Internal, so two assemblies that each declare models do not
/// see each other's.
/// </summary>
internal static class CatalogEmitter
{
    private const string Models = "global::Diffusion.Runtime.Models.";

    public static IEnumerable<(string HintName, string Source)> Emit(CatalogSpec spec)
    {
        if (!spec.Emit) yield break;
        var type = new TypeName(spec.Namespace, CatalogChecks.ClassName);
        yield return (type.HintName("Catalog"), EmitCatalog(type, spec));
    }

    private static string EmitCatalog(TypeName type, CatalogSpec spec)
    {
        var w = new CodeWriter();
        w.Header(type);
        w.Lines(
            "/// <summary>",
            "/// The diffusion models and noisy classifiers this assembly declares, by the names a command line's --model",
            "/// accepts: <c>DiffusionHost.Run(args, DeclaredModels.Catalog)</c>.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("internal static class " + CatalogChecks.ClassName);
        w.Line("/// <summary>");
        w.Doc(Summary(spec.Entries));
        w.Line("/// </summary>");
        w.Line("public static " + Models + "ModelCatalog Catalog { get; } = new(");
        for (int i = 0; i < spec.Entries.Length; i++)
        {
            var entry = spec.Entries[i];
            var options = new List<string>();
            if (entry.CommandName is { } alias) options.Add("Aliases = new[] { \"" + alias + "\" }");
            if (entry.IsDefault) options.Add("IsDefault = true");
            var last = i == spec.Entries.Length - 1 ? ");" : ",";
            w.Lines(
                "    " + Models + "ModelEntry." + Factory(entry.Category) + "(",
                "        \"" + entry.Type.Name + "\",",
                "        static () => new " + entry.Type.FullName + "())" + (options.Count == 0 ? last : ""));
            if (options.Count > 0) w.Line("        with { " + string.Join(", ", options) + " }" + last);
        }
        w.Close();
        return w.ToString();
    }

    /// <summary>The runtime's ModelEntry factory method of a category.</summary>
    private static string Factory(CatalogCategory category) => category switch
    {
        CatalogCategory.NoisyClassifier => "NoisyClassifier",
        CatalogCategory.Autoencoder => "Autoencoder",
        CatalogCategory.Cascade => "Cascade",
        _ => "Diffusion",
    };

    /// <summary>"MnistDiffusion (dit, the default), MnistUNetDiffusion (unet) and MnistNoisyClassifier."</summary>
    private static string Summary(EquatableArray<CatalogEntry> entries)
    {
        var listed = entries.Select(e =>
        {
            var notes = new List<string>();
            if (e.CommandName is { } alias) notes.Add(alias);
            if (e.IsDefault) notes.Add("the default");
            return e.Type.Name + (notes.Count == 0 ? "" : " (" + string.Join(", ", notes) + ")");
        }).ToList();
        var text = listed.Count == 1 ? listed[0] : string.Join(", ", listed.Take(listed.Count - 1)) + " and " + listed[listed.Count - 1];
        return text + ".";
    }
}
