using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// docs/diagnostics.md read into its sections ("## DDSLnnn: Title", the anchor above, the "Fails:" and "Fixed:"
/// blocks), and the generator's descriptors, for the page's tests and the code fixes' tests.
/// </summary>
internal static class DiagnosticsPage
{
    private static readonly Regex Heading = new(@"^## (DDSL\d{3}): (.+)$");
    private static readonly Regex Anchor = new("^<a id=\"(ddsl\\d{3})\"></a>$");

    /// <summary>One "## DDSLnnn: Title" section of the page, the anchor line above it, its marked blocks.</summary>
    public sealed record Section(
        string Id, string Title, string? Anchor, IReadOnlyList<(string Marker, string Code)> Blocks)
    {
        public string Code(string marker) => Blocks.Single(b => b.Marker == marker).Code;

        public override string ToString() => Id;
    }

    private static readonly Lazy<IReadOnlyList<Section>> Page = new(() => Parse(File.ReadAllLines(PagePath())));

    /// <summary>The page's sections in order.</summary>
    public static IReadOnlyList<Section> Sections => Page.Value;

    /// <summary>
    /// The sections of the page. A code block belongs to the marker line ("Fails:" or "Fixed:") right above it
    /// (blank lines between allowed); a csharp block without one fails the parse, so no example goes unchecked.
    /// </summary>
    private static IReadOnlyList<Section> Parse(string[] lines)
    {
        var sections = new List<Section>();
        string? id = null, title = null, anchor = null, pendingAnchor = null, marker = null;
        var blocks = new List<(string, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            var heading = Heading.Match(line);
            if (heading.Success)
            {
                if (id is not null) sections.Add(new Section(id, title!, anchor, blocks));
                (id, title, anchor) = (heading.Groups[1].Value, heading.Groups[2].Value, pendingAnchor);
                (pendingAnchor, marker) = (null, null);
                blocks = new List<(string, string)>();
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Assert.Fail("Line " + (i + 1) + ": a heading that is not '## DDSLnnn: Title': " + line);
            }
            else if (Anchor.Match(line) is { Success: true } a)
            {
                pendingAnchor = a.Groups[1].Value;
            }
            else if (line is "Fails:" or "Fixed:")
            {
                marker = line;
            }
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                var where = "Line " + (i + 1) + ": ";
                Assert.True(line == "```csharp", where + "only csharp blocks, after 'Fails:' or 'Fixed:'");
                Assert.True(id is not null && marker is not null, where + "no 'Fails:' or 'Fixed:' above the block");
                int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                Assert.True(end > i, where + "the code block is not closed");
                blocks.Add((marker!, string.Join("\n", lines, i + 1, end - i - 1) + "\n"));
                marker = null;
                i = end;
            }
            else if (line.Length > 0)
            {
                marker = null; // prose between a marker and its block would detach them
            }
        }
        if (id is not null) sections.Add(new Section(id, title!, anchor, blocks));
        return sections;
    }

    public static IReadOnlyList<DiagnosticDescriptor> Descriptors() => typeof(DiffusionGenerator).Assembly
        .GetType("Diffusion.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();

    /// <summary>docs/diagnostics.md of the repository the test was built in, found by walking up to Dsl.sln.</summary>
    public static string PagePath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            var root = folder.FullName;
            if (File.Exists(Path.Combine(root, "Dsl.sln"))) return Path.Combine(root, "docs", "diagnostics.md");
        }
        throw new InvalidOperationException("No Dsl.sln above " + AppContext.BaseDirectory);
    }
}
