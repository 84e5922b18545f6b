using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Thousands of random and malformed declarations (<see cref="RandomDeclarations"/>): wrong argument types, negative
/// and huge values, missing parts, roles on the wrong kind of type, partial classes split across files, mutated tokens,
/// broken syntax. On every one the generator throws nothing, never reports DDSL999, and either every problem is a
/// diagnostic with an ID or the result is code that compiles. Compiling generated code is the expensive part, so it is
/// checked on a seeded sample of the cases that generate code.
/// </summary>
public class RobustnessTests
{
    /// <summary>Cases per chunk; the theory runs <see cref="Chunks"/> chunks with consecutive seeds.</summary>
    private const int ChunkSize = 500;
    private const int Chunks = 6;
    /// <summary>Generating cases whose output is compiled, per chunk: on clean input, and on input with errors.</summary>
    private const int CompiledCleanPerChunk = 6;
    private const int CompiledBrokenPerChunk = 3;

    private readonly ITestOutputHelper output;

    public RobustnessTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// One compilation with every reference and no source: each case adds its trees to it, which reuses the reference
    /// binding (building it afresh per compilation would dominate the fuzz's time).
    /// </summary>
    private static readonly Lazy<CSharpCompilation> Empty = new(() => GeneratorHarness.CreateCompilation());

    public static IEnumerable<object[]> ChunkIndices() => Enumerable.Range(0, Chunks).Select(i => new object[] { i });

    /// <summary>What one case came to.</summary>
    private enum Outcome { Generated, DeclarationError, InputError, NothingToGenerate }

    [Theory]
    [MemberData(nameof(ChunkIndices))]
    public void RandomDeclarationsNeverBreakTheGenerator(int chunk)
    {
        var watch = Stopwatch.StartNew();
        var outcomes = new Dictionary<Outcome, int>();
        int compiled = 0, compiledClean = 0;
        var sampler = new Random(chunk);
        for (int seed = chunk * ChunkSize; seed < (chunk + 1) * ChunkSize; seed++)
        {
            var sources = RandomDeclarations.Create(new Random(seed));
            var compilation = Empty.Value.AddSyntaxTrees(sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: "Input" + i + ".cs")));
            string Describe() => $"seed {seed}:\n{string.Join("\n----\n", sources)}";

            GeneratorDriver driver;
            try
            {
                driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"the driver threw {e.GetType().Name}: {e.Message}\n{Describe()}");
            }
            var result = driver.GetRunResult();
            if (result.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } thrown)
                throw new Xunit.Sdk.XunitException($"the generator threw {thrown}\n{Describe()}");
            if (result.Diagnostics.FirstOrDefault(d => d.Id == "DDSL999") is { } internalError)
                throw new Xunit.Sdk.XunitException($"{internalError}\n{Describe()}");
            Assert.All(result.Diagnostics, d => Assert.Matches("^DDSL[0-9]{3}$", d.Id));
            Assert.All(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.NotEqual(Location.None, d.Location));

            bool declarationError = result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
            var inputErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.All(inputErrors, d => Assert.False(string.IsNullOrEmpty(d.Id)));
            bool generated = result.GeneratedTrees.Length > 0;
            var outcome = declarationError ? Outcome.DeclarationError : inputErrors.Count > 0 ? Outcome.InputError : generated ? Outcome.Generated : Outcome.NothingToGenerate;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

            // Without generated code the output is the input, whose diagnostics were just taken. With it, compile a sample:
            // on clean input the whole output compiles without a warning; on broken input the generated files still do.
            bool clean = inputErrors.Count == 0 && !declarationError;
            if (!generated || (clean ? compiledClean >= CompiledCleanPerChunk : compiled - compiledClean >= CompiledBrokenPerChunk) || sampler.NextDouble() > 0.25) continue;
            compiled++;
            var everything = compilation.AddSyntaxTrees(result.GeneratedTrees);
            var problems = GeneratorHarness.CompilerProblems(everything);
            if (clean)
            {
                Assert.True(problems.Count == 0, $"{Describe()}\n{GeneratorHarness.Describe(problems)}");
                compiledClean++;
            }
            var inGenerated = problems.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
            Assert.True(inGenerated.Count == 0, $"{Describe()}\n{GeneratorHarness.Describe(inGenerated)}");
        }

        output.WriteLine($"{ChunkSize} cases in {watch.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}; compiled {compiled} generating cases ({compiledClean} on clean input)");
        // Guards against a vacuous fuzz: every outcome occurs, and clean generated code was compiled.
        foreach (var kind in Enum.GetValues<Outcome>())
            Assert.True(outcomes.GetValueOrDefault(kind) >= 5, $"only {outcomes.GetValueOrDefault(kind)} of {ChunkSize} cases came to {kind}");
        Assert.True(compiledClean >= 3, $"only {compiledClean} clean generating cases were compiled");
    }

    [Fact]
    public void TheSourcesAreReproducibleFromTheSeed()
    {
        Assert.Equal(RandomDeclarations.Create(new Random(1234)), RandomDeclarations.Create(new Random(1234)));
        Assert.NotEqual(RandomDeclarations.Create(new Random(1234)), RandomDeclarations.Create(new Random(1235)));
    }

    [Fact]
    public void A_declaration_without_a_name_gets_no_code_and_no_crash()
    {
        // "class class S;" parses as a class with a missing identifier (found by the fuzz, seed 1506).
        var (result, _) = GeneratorHarness.Run("using Diffusion.Dsl;\nnamespace R;\n[NoiseSchedule(ScheduleKind.Cosine)]\npublic partial class class S;\n");
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.GeneratedTrees);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("DDSL", System.StringComparison.Ordinal));
    }
}
