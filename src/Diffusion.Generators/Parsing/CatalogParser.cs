using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// What the model catalog needs of one [DiffusionModel], [NoisyClassifier], [Autoencoder] or [Cascade] (its CommandName and IsDefault, read
/// without parsing the schedule and network again), and where the catalog goes.
/// </summary>
internal static class CatalogParser
{
    public static DeclarationResult<CatalogEntry> Model(INamedTypeSymbol symbol, CancellationToken cancellationToken) =>
        Parse(symbol, AttributeNames.DiffusionModel, CatalogCategory.DiffusionModel, cancellationToken);

    public static DeclarationResult<CatalogEntry> Classifier(INamedTypeSymbol symbol, CancellationToken cancellationToken) =>
        Parse(symbol, AttributeNames.NoisyClassifier, CatalogCategory.NoisyClassifier, cancellationToken);

    public static DeclarationResult<CatalogEntry> Autoencoder(INamedTypeSymbol symbol, CancellationToken cancellationToken) =>
        Parse(symbol, AttributeNames.Autoencoder, CatalogCategory.Autoencoder, cancellationToken);

    public static DeclarationResult<CatalogEntry> Cascade(INamedTypeSymbol symbol, CancellationToken cancellationToken) =>
        Parse(symbol, AttributeNames.Cascade, CatalogCategory.Cascade, cancellationToken);

    private static DeclarationResult<CatalogEntry> Parse(INamedTypeSymbol symbol, string attribute, CatalogCategory category, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, attribute);
        if (declarations.Count != 1) return DeclarationResult<CatalogEntry>.Nothing;
        var view = new AttributeView(declarations[0], cancellationToken);
        if (view.HasErrors) return DeclarationResult<CatalogEntry>.Nothing; // the compiler reports what is wrong

        var diagnostics = new List<DiagnosticInfo>();
        var commandName = view.String("CommandName");
        if (commandName is not null && !IsCommandName(commandName))
        {
            // The entry stays, by its class name; only the name the command line could not take is left out.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, view.NamedLocation("CommandName"), "CommandName",
                "\"" + commandName + "\"", "letters, digits, '-', '_' and '.', starting with a letter or digit (such as \"dit\")"));
            commandName = null;
        }
        var entry = new CatalogEntry(DeclarationChecks.NameOf(symbol), category, commandName, view.Bool("IsDefault", false),
            view.TargetIdentifierLocation, view.NamedLocation("CommandName"), view.NamedLocation("IsDefault"));
        return new DeclarationResult<CatalogEntry>(entry, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary>A name a shell passes as one argument and the command line cannot take for an option.</summary>
    private static bool IsCommandName(string name)
    {
        if (name.Length == 0 || name.Length > 100 || !char.IsLetterOrDigit(name[0])) return false;
        foreach (char c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.')) return false;
        }
        return true;
    }

    /// <summary>
    /// The assembly's root namespace (MSBuild's RootNamespace, which the SDK passes to generators), or the global
    /// namespace when it is absent or not a C# namespace name; and whether the assembly's own code already declares
    /// a DeclaredModels there (then the user's wins and the generator writes none).
    /// </summary>
    public static CatalogTarget Target(AnalyzerConfigOptionsProvider options, Compilation compilation, CancellationToken cancellationToken)
    {
        options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var root);
        var parts = string.IsNullOrWhiteSpace(root) ? new string[0] : root!.Trim().Split('.');
        foreach (var part in parts)
        {
            if (!SyntaxFacts.IsValidIdentifier(part) || SyntaxFacts.GetKeywordKind(part) != SyntaxKind.None) parts = new string[0];
        }
        INamespaceSymbol? container = compilation.Assembly.GlobalNamespace;
        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            container = container?.GetMembers(part).OfType<INamespaceSymbol>().FirstOrDefault();
        }
        bool taken = container is not null && container.GetMembers(CatalogChecks.ClassName).Any();
        return new CatalogTarget(string.Join(".", parts), taken);
    }
}
