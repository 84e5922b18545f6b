using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Diffusion.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Diffusion.Generators.Tests.CodeFixes;

/// <summary>
/// The code fixes run as the IDE runs them on a generator's diagnostics (the code-fix testing packages drive analyzers,
/// not generators): the sources as documents of a workspace project, the generator over its compilation, each
/// diagnostic handed through a CodeFixContext to every provider that lists its ID, the chosen action's operations
/// applied (with the simplification and formatting that code actions do).
/// </summary>
internal static class CodeFixHarness
{
    public static readonly IReadOnlyList<CodeFixProvider> Providers = new CodeFixProvider[]
    {
        new SetArgumentFix(), new AddAttributeFix(), new RemoveAttributeFix(),
    };

    /// <summary>A project of the sources, named and with paths "Input0.cs", ... as <see cref="GeneratorHarness"/> has them.</summary>
    public static Project CreateProject(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Input", "Input", LanguageNames.CSharp,
            compilationOptions: GeneratorHarness.CompilationOptions,
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        for (int i = 0; i < sources.Length; i++)
        {
            var name = "Input" + i + ".cs";
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), name, SourceText.From(sources[i]), filePath: name);
        }
        return solution.GetProject(projectId)!;
    }

    /// <summary>Every diagnostic the generator reports on the project, with the actions the providers offer for it.</summary>
    public static async Task<IReadOnlyList<(Diagnostic Diagnostic, IReadOnlyList<CodeAction> Actions)>> OfferedAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Diagnostics;
        var offered = new List<(Diagnostic, IReadOnlyList<CodeAction>)>();
        foreach (var diagnostic in diagnostics)
        {
            // As the IDE: the document is the one at the diagnostic's path (a generator reports paths, not trees).
            var path = diagnostic.Location.GetLineSpan().Path;
            var document = project.Documents.Single(d => d.FilePath == path);
            var actions = new List<CodeAction>();
            foreach (var provider in Providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                await provider.RegisterCodeFixesAsync(context);
            }
            offered.Add((diagnostic, actions));
        }
        return offered;
    }

    /// <summary>
    /// The sources after the action with equivalence key <paramref name="key"/>, offered for the one diagnostic they
    /// report.
    /// </summary>
    public static async Task<string[]> ApplyAsync(string[] sources, string key)
    {
        var project = CreateProject(sources);
        var offered = await OfferedAsync(project);
        var (diagnostic, actions) = Assert.Single(offered);
        var action = actions.SingleOrDefault(a => a.EquivalenceKey == key);
        Assert.True(action is not null, "No action " + key + " for " + diagnostic + "; offered: " + string.Join(", ", actions.Select(a => a.EquivalenceKey)));
        var operations = await action!.GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        var texts = new string[sources.Length];
        for (int i = 0; i < texts.Length; i++) texts[i] = (await solution.GetDocument(project.DocumentIds[i])!.GetTextAsync()).ToString();
        return texts;
    }

    /// <summary>The sources report no diagnostic and compile clean with the generated code.</summary>
    public static void AssertClean(string[] sources)
    {
        var (result, output) = GeneratorHarness.Run(sources);
        Assert.True(result.Diagnostics.IsEmpty, GeneratorHarness.Describe(result.Diagnostics));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    /// <summary>The offered actions' titles, in order.</summary>
    public static ImmutableArray<string> Titles(IEnumerable<CodeAction> actions) => actions.Select(a => a.Title).ToImmutableArray();
}
