using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Diffusion.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Diffusion.CodeFixes;

/// <summary>The document and syntax node a fix edits, found from the diagnostic's locations.</summary>
internal sealed class FixTarget
{
    private FixTarget(Document document, SyntaxNode root, SyntaxNode node)
    {
        Document = document;
        Root = root;
        Node = node;
    }

    public Document Document { get; }

    public SyntaxNode Root { get; }

    /// <summary>The smallest node that spans the location: an attribute argument, an attribute, or a class.</summary>
    public SyntaxNode Node { get; }

    /// <summary>The solution with <paramref name="node"/> of the target's document replaced.</summary>
    public Solution Replace(SyntaxNode node, SyntaxNode replacement) =>
        Document.WithSyntaxRoot(Root.ReplaceNode(node, replacement)).Project.Solution;

    /// <summary>
    /// At the diagnostic's first additional location when <paramref name="elsewhere"/> and it has one (an edit on
    /// another declaration, see FixProperties), else at its own location; null when that text is not in the solution.
    /// </summary>
    public static async Task<FixTarget?> FindAsync(Document document, Diagnostic diagnostic, bool elsewhere, CancellationToken cancellationToken)
    {
        var location = diagnostic.Location;
        if (elsewhere && diagnostic.AdditionalLocations.Count > 0)
        {
            location = diagnostic.AdditionalLocations[0];
            var other = FindDocument(document.Project.Solution, location);
            if (other is null) return null;
            document = other;
        }
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || location.SourceSpan.End > root.FullSpan.End) return null;
        return new FixTarget(document, root, root.FindNode(location.SourceSpan));
    }

    /// <summary>"Prediction.Velocity" for a value written "global::Diffusion.Dsl.Prediction.Velocity": for titles.</summary>
    public static string Display(string value) => value.Replace(FixProperties.DslPrefix, "");

    /// <summary>
    /// The document of a location: its syntax tree's when it has one, else by file path, as the generator reports
    /// locations (a generator's diagnostics carry paths and spans, not trees).
    /// </summary>
    private static Document? FindDocument(Solution solution, Location location)
    {
        if (location.SourceTree is { } tree && solution.GetDocument(tree) is { } document) return document;
        var path = location.GetLineSpan().Path;
        var id = solution.GetDocumentIdsWithFilePath(path).FirstOrDefault();
        return id is null ? null : solution.GetDocument(id);
    }
}
