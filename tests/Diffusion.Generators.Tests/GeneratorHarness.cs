using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Diffusion.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Generators.Tests;

/// <summary>Runs the generator over source text and compiles the result against .NET 10, Dsl, Runtime and TorchSharp.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>.NET 10, Dsl, Runtime and TorchSharp.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>A library with nullable annotations; CS1701/CS1702 off as MSBuild has them.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As MSBuild does by default: TorchSharp is built against System.Runtime 8.0, unified with 10.0 here.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
        foreach (var assembly in new[]
        {
            typeof(Diffusion.Dsl.NoiseScheduleAttribute).Assembly,
            typeof(Diffusion.Runtime.Schedules.NoiseSchedule).Assembly,
            typeof(TorchSharp.torch).Assembly,
        })
        {
            references.Add(MetadataReference.CreateFromFile(assembly.Location));
        }
        return references.ToImmutableArray();
    });

    public static CSharpCompilation CreateCompilation(params string[] sources) => CSharpCompilation.Create(
        "Generated.Tests",
        sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Input" + i + ".cs")),
        References,
        CompilationOptions);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) => CSharpGeneratorDriver.Create(
        new[] { new DiffusionGenerator().AsSourceGenerator() },
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once; returns the run result and the compilation that includes the generated files.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var compilation = CreateCompilation(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Warnings and errors of the compilation, except missing XML docs on the test's own input types.</summary>
    public static IReadOnlyList<Diagnostic> CompilerProblems(Compilation output) => output.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
        .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Input", StringComparison.Ordinal) == true))
        .ToList();

    public static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
