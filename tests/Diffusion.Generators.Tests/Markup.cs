using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Diagnostic markup as in Roslyn's analyzer tests: <c>{|DDSL001:PatchSize = 3|}</c> expects DDSL001 exactly on the
/// marked text. The generator's diagnostics must equal the marked set (ID and span).
/// </summary>
internal static class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var text = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                int colon = markup.IndexOf(':', i);
                open.Push((markup.Substring(i + 2, colon - i - 2), text.Length));
                i = colon + 1;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, text.Length)));
                i += 2;
            }
            else
            {
                text.Append(markup[i++]);
            }
        }
        return (text.ToString(), expected);
    }

    /// <summary>Runs the generator on the markup and checks its diagnostics' IDs and spans; returns the diagnostics.</summary>
    public static IReadOnlyList<Diagnostic> Verify(string markup)
    {
        var (source, expected) = Parse(markup);
        var (result, _) = GeneratorHarness.Run(source);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var actual = result.Diagnostics
            .Select(d => (d.Id, d.Location.SourceSpan, Text: d.Location.Kind == LocationKind.None ? "<no location>" : source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)))
            .OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id)
            .Select(d => d.Id + " at " + d.SourceSpan + " '" + d.Text + "'")
            .ToList();
        var wanted = expected
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Id)
            .Select(d => d.Id + " at " + d.Span + " '" + source.Substring(d.Span.Start, d.Span.Length) + "'")
            .ToList();
        Assert.Equal(wanted, actual);
        // The line/column span agrees with the text span, in the input file.
        var lines = SourceText.From(source).Lines;
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal("Input0.cs", d.Location.GetLineSpan().Path);
            Assert.Equal(lines.GetLinePositionSpan(d.Location.SourceSpan), d.Location.GetLineSpan().Span);
        });
        return result.Diagnostics;
    }
}
