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
/// docs/diagnostics.md, which every diagnostic's help link opens: one section per descriptor, and in each the
/// "Fails" declaration reports exactly that ID while the "Fixed" one reports nothing and compiles clean, generated
/// code included. A page that drifts from the generator fails here instead of misleading a user.
/// </summary>
public class DiagnosticsDocumentationTests
{
    /// <summary>The generator's own failure: no declaration should cause it, so its section has no example.</summary>
    private const string InternalErrorId = "DDSL999";

    private static readonly Regex Heading = new(@"^## (DDSL\d{3}): (.+)$");
    private static readonly Regex Anchor = new("^<a id=\"(ddsl\\d{3})\"></a>$");

    /// <summary>One "## DDSLnnn: Title" section of the page, the anchor line above it, its marked blocks.</summary>
    private sealed record Section(
        string Id, string Title, string? Anchor, IReadOnlyList<(string Marker, string Code)> Blocks)
    {
        public string Code(string marker) => Blocks.Single(b => b.Marker == marker).Code;

        public override string ToString() => Id;
    }

    private static readonly Lazy<IReadOnlyList<Section>> Page = new(() => Parse(File.ReadAllLines(PagePath())));

    public static TheoryData<string> ExampleIds()
    {
        var ids = new TheoryData<string>();
        foreach (var section in Page.Value.Where(s => s.Id != InternalErrorId)) ids.Add(section.Id);
        return ids;
    }

    [Fact]
    public void EveryDescriptorHasOneSectionUnderItsTitleAndAnchor()
    {
        var descriptors = Descriptors();
        var sections = Page.Value;
        Assert.NotEmpty(descriptors);
        // In ID order, each once, none for an unknown ID.
        var ids = descriptors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(ids, sections.Select(s => s.Id));
        Assert.All(sections, s =>
        {
            var descriptor = descriptors.Single(d => d.Id == s.Id);
            Assert.Equal(descriptor.Title.ToString(), s.Title);
            // The help link is docs/diagnostics.md#ddslnnn; a heading's own slug would include its title.
            Assert.Equal(s.Id.ToLowerInvariant(), s.Anchor);
        });
    }

    [Fact]
    public void EverySectionHasOneFailingAndOneFixedDeclarationExceptTheInternalError()
    {
        Assert.All(Page.Value, s => Assert.Equal(
            s.Id == InternalErrorId ? Array.Empty<string>() : new[] { "Fails:", "Fixed:" },
            s.Blocks.Select(b => b.Marker)));
    }

    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void FailingDeclarationReportsItsIdAndNoOther(string id)
    {
        var (result, output) = GeneratorHarness.Run(Page.Value.Single(s => s.Id == id).Code("Fails:"));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.NotEmpty(result.Diagnostics);
        Assert.True(result.Diagnostics.All(d => d.Id == id), GeneratorHarness.Describe(result.Diagnostics));
        // Only the generator objects: the example is otherwise valid C#, so it shows nothing but the one mistake.
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void FixedDeclarationReportsNothingAndCompilesClean(string id)
    {
        var (result, output) = GeneratorHarness.Run(Page.Value.Single(s => s.Id == id).Code("Fixed:"));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.True(result.Diagnostics.IsEmpty, GeneratorHarness.Describe(result.Diagnostics));
        Assert.NotEmpty(result.GeneratedTrees);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

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

    private static IReadOnlyList<DiagnosticDescriptor> Descriptors() => typeof(DiffusionGenerator).Assembly
        .GetType("Diffusion.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();

    /// <summary>docs/diagnostics.md of the repository the test was built in, found by walking up to Dsl.sln.</summary>
    private static string PagePath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            var root = folder.FullName;
            if (File.Exists(Path.Combine(root, "Dsl.sln"))) return Path.Combine(root, "docs", "diagnostics.md");
        }
        throw new InvalidOperationException("No Dsl.sln above " + AppContext.BaseDirectory);
    }
}
