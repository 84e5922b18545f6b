using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Diffusion.Generators.Model;

/// <summary>An equatable stand-in for <see cref="Location"/> (which holds a syntax tree and must stay out of the pipeline).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null) return null;
        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
