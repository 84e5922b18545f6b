using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The model catalog the generator writes once per assembly: where it goes (the root namespace MSBuild passes, else the
/// global namespace), what it lists and in which order, that a user's own DeclaredModels or another assembly's does
/// not break the build, its diagnostics (DDSL023, DDSL024, DDSL003 on a CommandName) with their spans, and its caching.
/// </summary>
public class CatalogTests
{
    private const string Shared = """
        [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 100)]
        public partial class S;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        [UNetEncoder(InputSize = 8, InChannels = 1, Outputs = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 },
                     ResBlocks = 1, NormGroups = 4)]
        public partial class E;

        """;

    private static string Model(string name, string options = "") =>
        "[DiffusionModel(typeof(S), typeof(N)" + options + ")]\n[Sampler(SamplerKind.Ddim)]\npublic partial class " + name + ";\n\n";

    private static string Classifier(string name, string options = "") =>
        "[NoisyClassifier(typeof(S), typeof(E)" + options + ")]\npublic partial class " + name + ";\n\n";

    private static string InNamespace(string ns, string body) => "using Diffusion.Dsl;\n\nnamespace " + ns + ";\n\n" + body;

    private static (GeneratorDriverRunResult Result, Compilation Output) Run(string? rootNamespace, params string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);
        var driver = CSharpGeneratorDriver.Create(
            new[] { new DiffusionGenerator().AsSourceGenerator() },
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new RootNamespaceOptions(rootNamespace));
        var ran = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (ran.GetRunResult(), output);
    }

    private static string? CatalogText(GeneratorDriverRunResult result) =>
        result.Results.Single().GeneratedSources.Where(s => s.HintName.EndsWith("DeclaredModels.Catalog.g.cs")).Select(s => s.SourceText.ToString()).SingleOrDefault();

    private static string? CatalogHint(GeneratorDriverRunResult result) =>
        result.Results.Single().GeneratedSources.Select(s => s.HintName).SingleOrDefault(h => h.EndsWith("DeclaredModels.Catalog.g.cs"));

    [Fact]
    public void The_catalog_goes_into_the_root_namespace_where_Main_finds_it()
    {
        var program = "namespace My.App;\n\npublic static class Program\n{\n    public static object Catalog => DeclaredModels.Catalog;\n}\n";
        var (result, output) = Run("My.App", InNamespace("My.App", Shared + Model("D")), program);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("My.App.DeclaredModels.Catalog.g.cs", CatalogHint(result));
        Assert.Contains("namespace My.App;\n", CatalogText(result));
        Assert.Contains("internal static class DeclaredModels", CatalogText(result));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("my-app")]
    [InlineData("My.class")]
    public void Without_a_usable_root_namespace_the_catalog_is_global(string? rootNamespace)
    {
        var (result, output) = Run(rootNamespace, InNamespace("T", Shared + Model("D")));
        Assert.Equal("DeclaredModels.Catalog.g.cs", CatalogHint(result));
        Assert.DoesNotContain("namespace", CatalogText(result));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void A_users_own_DeclaredModels_in_the_root_namespace_wins_and_one_elsewhere_does_not_matter()
    {
        var own = "namespace My.App;\n\ninternal static class DeclaredModels\n{\n    public static int Catalog => 1;\n}\n";
        var (result, output) = Run("My.App", InNamespace("My.App", Shared + Model("D")), own);
        Assert.Null(CatalogHint(result));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));

        var elsewhere = "namespace Other;\n\ninternal static class DeclaredModels\n{\n}\n";
        (result, output) = Run("My.App", InNamespace("My.App", Shared + Model("D")), elsewhere);
        Assert.Equal("My.App.DeclaredModels.Catalog.g.cs", CatalogHint(result));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void Two_assemblies_each_with_a_catalog_compile_and_each_sees_its_own()
    {
        var (_, library) = Run(null, InNamespace("Lib", Shared + Model("LibraryModel")));
        Assert.Empty(GeneratorHarness.CompilerProblems(library));
        var program = "public static class Program\n{\n    public static object Catalog => DeclaredModels.Catalog;\n}\n";
        var compilation = GeneratorHarness.CreateCompilation(InNamespace("App", Shared + Model("AppModel")), program)
            .AddReferences(library.ToMetadataReference());
        CSharpGeneratorDriver.Create(new[] { new DiffusionGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var catalog = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("DeclaredModels.Catalog.g.cs")).ToString();
        Assert.Contains("global::App.AppModel()", catalog);
        Assert.DoesNotContain("LibraryModel", catalog);
    }

    [Fact]
    public void Models_come_first_then_classifiers_each_by_full_name_with_their_names_and_defaults()
    {
        static string In(string ns, string body) => "using Diffusion.Dsl;\nusing T;\n\nnamespace " + ns + ";\n\n" + body;
        var (result, output) = Run(null,
            InNamespace("T", Shared),
            In("B", Model("Alpha", ", CommandName = \"a\"") + Classifier("Guide", ", IsDefault = true")),
            In("A", Model("Zulu", ", IsDefault = true") + Classifier("Judge", ", CommandName = \"j\"")));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var lines = CatalogText(result)!.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(
            new[]
            {
                "static () => new global::A.Zulu())", "with { IsDefault = true },",
                "static () => new global::B.Alpha())", "with { Aliases = new[] { \"a\" } },",
                "static () => new global::A.Judge())", "with { Aliases = new[] { \"j\" } },",
                "static () => new global::B.Guide())", "with { IsDefault = true });",
            },
            lines.Where(l => l.StartsWith("static () =>") || l.StartsWith("with {")));
        Assert.Contains("ModelEntry.NoisyClassifier(", CatalogText(result));
    }

    [Fact]
    public void A_declaration_with_an_error_is_left_out_and_without_any_left_there_is_no_catalog()
    {
        var broken = "[DiffusionModel(typeof(S), typeof(N))]\npublic partial class Broken;\n\n";   // DDSL014: no sampler
        var (result, output) = Run(null, InNamespace("T", Shared + Model("Good") + broken));
        Assert.Equal(new[] { "DDSL014" }, result.Diagnostics.Select(d => d.Id));
        Assert.Contains("global::T.Good()", CatalogText(result));
        Assert.DoesNotContain("Broken", CatalogText(result));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));

        (result, _) = Run(null, InNamespace("T", Shared + broken));
        Assert.Null(CatalogHint(result));
    }

    [Fact]
    public void DDSL023_a_CommandName_taken_by_an_earlier_entry_is_left_out()
    {
        var diagnostics = Markup.Verify(InNamespace("T", Shared
            + Model("First", ", CommandName = \"model\"")
            + Model("Second", ", {|DDSL023:CommandName = \"MODEL\"|}")
            + Classifier("Third", ", {|DDSL023:CommandName = \"first\"|}")));
        Assert.Equal(
            new[]
            {
                "'MODEL' names both T.First and T.Second (--model ignores case); choose another CommandName",
                "'first' names both T.First and T.Third (--model ignores case); choose another CommandName",
            },
            diagnostics.Select(d => d.GetMessage()).OrderBy(m => m, System.StringComparer.Ordinal));
        var (result, output) = Run(null, InNamespace("T", Shared + Model("First", ", CommandName = \"model\"") + Model("Second", ", CommandName = \"MODEL\"")));
        Assert.Equal(1, CatalogText(result)!.Split("Aliases").Length - 1);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void DDSL023_two_classes_of_one_name_in_different_namespaces_point_at_the_later_class()
    {
        var diagnostics = Markup.Verify("using Diffusion.Dsl;\n\n"
            + "namespace A\n{\n" + Shared + Model("Model") + "}\n\n"
            + "namespace B\n{\n[DiffusionModel(typeof(A.S), typeof(A.N))]\n[Sampler(SamplerKind.Ddim)]\npublic partial class {|DDSL023:Model|};\n}\n");
        Assert.Equal("'Model' names both A.Model and B.Model (--model ignores case); rename one of the classes", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void A_CommandName_equal_to_the_class_name_adds_nothing_and_reports_nothing()
    {
        var (result, _) = Run(null, InNamespace("T", Shared + Model("Dit", ", CommandName = \"dit\"")));
        Assert.Empty(result.Diagnostics);
        Assert.DoesNotContain("Aliases", CatalogText(result));
    }

    [Fact]
    public void DDSL024_a_second_default_of_a_kind_points_at_its_IsDefault_and_is_not_marked()
    {
        var diagnostics = Markup.Verify(InNamespace("T", Shared
            + Model("First", ", IsDefault = true")
            + Model("Second", ", {|DDSL024:IsDefault = true|}")
            + Classifier("Guide", ", IsDefault = true")));
        Assert.Equal("First and Second are both the default diffusion model; keep IsDefault = true on one of them", diagnostics.Single().GetMessage());
        var (result, _) = Run(null, InNamespace("T", Shared + Model("First", ", IsDefault = true") + Model("Second", ", IsDefault = true")));
        Assert.Equal(1, CatalogText(result)!.Split("IsDefault = true").Length - 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("-dash")]
    [InlineData("quote\\\"")]
    public void DDSL003_a_CommandName_the_command_line_cannot_take(string name)
    {
        var diagnostics = Markup.Verify(InNamespace("T", Shared + Model("D", ", {|DDSL003:CommandName = \"" + name + "\"|}")));
        Assert.Contains("letters, digits, '-', '_' and '.'", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void Editing_a_network_leaves_the_catalog_unchanged_and_editing_a_CommandName_changes_it()
    {
        var source = InNamespace("T", Shared + Model("D", ", CommandName = \"d\""));
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();

        GeneratorDriverRunResult After(string edited) =>
            driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(edited)))).GetRunResult();
        IEnumerable<IncrementalStepRunReason> Catalog(GeneratorDriverRunResult run) =>
            run.Results.Single().TrackedSteps[TrackingNames.Catalog].SelectMany(s => s.Outputs).Select(o => o.Reason);

        var network = After(source.Replace("Depth = 1", "Depth = 2"));
        Assert.Contains(network.Results.Single().TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(Catalog(network), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Contains(IncrementalStepRunReason.Modified, Catalog(After(source.Replace("CommandName = \"d\"", "CommandName = \"e\""))));
    }

    /// <summary>What MSBuild passes a generator: <c>build_property.RootNamespace</c>, when given.</summary>
    private sealed class RootNamespaceOptions(string? rootNamespace) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(rootNamespace is null
            ? ImmutableDictionary<string, string>.Empty
            : ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", rootNamespace));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(ImmutableDictionary<string, string>.Empty);

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
