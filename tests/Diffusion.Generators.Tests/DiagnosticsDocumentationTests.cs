using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
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

    public static TheoryData<string> ExampleIds()
    {
        var ids = new TheoryData<string>();
        foreach (var section in DiagnosticsPage.Sections.Where(s => s.Id != InternalErrorId)) ids.Add(section.Id);
        return ids;
    }

    [Fact]
    public void EveryDescriptorHasOneSectionUnderItsTitleAndAnchor()
    {
        var descriptors = DiagnosticsPage.Descriptors();
        var sections = DiagnosticsPage.Sections;
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

    /// <summary>
    /// The IDE's help link of every ID opens its section: the page in the repository that Directory.Build.props gives
    /// the packages, then the section's anchor.
    /// </summary>
    [Fact]
    public void EveryHelpLinkOpensItsSectionInThePackagesRepository()
    {
        var props = XDocument.Load(Path.Combine(Path.GetDirectoryName(DiagnosticsPage.PagePath())!, "..", "Directory.Build.props"));
        var repository = props.Descendants("RepositoryUrl").Single().Value;
        var anchors = DiagnosticsPage.Sections.Select(s => s.Anchor).ToList();
        Assert.All(DiagnosticsPage.Descriptors(), d =>
        {
            Assert.Equal(repository + "/blob/main/docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.Contains(d.HelpLinkUri.Substring(d.HelpLinkUri.IndexOf('#') + 1), anchors);
        });
    }

    [Fact]
    public void EverySectionHasOneFailingAndOneFixedDeclarationExceptTheInternalError()
    {
        Assert.All(DiagnosticsPage.Sections, s => Assert.Equal(
            s.Id == InternalErrorId ? Array.Empty<string>() : new[] { "Fails:", "Fixed:" },
            s.Blocks.Select(b => b.Marker)));
    }

    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void FailingDeclarationReportsItsIdAndNoOther(string id)
    {
        var (result, output) = GeneratorHarness.Run(DiagnosticsPage.Sections.Single(s => s.Id == id).Code("Fails:"));
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
        var (result, output) = GeneratorHarness.Run(DiagnosticsPage.Sections.Single(s => s.Id == id).Code("Fixed:"));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.True(result.Diagnostics.IsEmpty, GeneratorHarness.Describe(result.Diagnostics));
        Assert.NotEmpty(result.GeneratedTrees);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }
}
