using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Diffusion.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Diffusion.Generators.Benchmark;

/// <summary>
/// Prints how long <see cref="DiffusionGenerator"/> takes per declared type: a cold first run, a full run with a fresh
/// driver over a freshly bound compilation (what a command-line build pays), and the incremental runs an IDE pays
/// after a comment-only edit and after changing one declaration. Usage: <c>dotnet run -c Release --project
/// tools/GeneratorBenchmark [-- repetitions]</c>. Numbers only; nothing is asserted.
/// </summary>
public static class Program
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static int Main(string[] args)
    {
        int repetitions = args.Length > 0 && int.TryParse(args[0], out int r) && r > 0 ? r : 30;
        var references = Basic.Reference.Assemblies.Net100.References.All
            .Append(MetadataReference.CreateFromFile(typeof(Diffusion.Dsl.NoiseScheduleAttribute).Assembly.Location))
            .ToList();

        Console.WriteLine($"DiffusionGenerator timing, {repetitions} repetitions per row (median, min); {Environment.ProcessorCount} cores, .NET {Environment.Version}, Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}");
        Console.WriteLine($"{"workload",-34} {"types",5} {"files",5}  {"measure",-30} {"median ms",10} {"min ms",8} {"ms/type",8}");
        bool first = true;
        foreach (var (name, source) in Workloads())
        {
            var compilation = CSharpCompilation.Create("Bench", [CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Input.cs")], references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            int types = CountDeclarations(source);

            GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create([new DiffusionGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
            var watch = Stopwatch.StartNew();
            var driver = NewDriver().RunGenerators(compilation);
            double cold = watch.Elapsed.TotalMilliseconds;
            var result = driver.GetRunResult();
            if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
                throw new InvalidOperationException($"{name}: the workload does not generate cleanly: {result.Diagnostics.First()}");
            int files = result.GeneratedTrees.Length;
            if (first) Row(name, types, files, "cold (first run, JIT included)", [cold]);
            first = false;

            // Clone: the same trees and references but no bound state, as a fresh build sees them (re-running over the
            // same compilation object would reuse its semantic models and time almost nothing).
            Row(name, types, files, "full run, fresh compilation", Time(repetitions, () => NewDriver().RunGenerators(compilation.Clone())));

            var tree = compilation.SyntaxTrees.Single();
            int edit = 0;
            Row(name, types, files, "incremental: comment-only edit", Time(repetitions, () =>
            {
                var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(tree.Length, 0), $"\n// edit {edit++}\n"))));
                driver = driver.RunGenerators(edited);
            }));

            // Alternate the first network's depth between two values, so every run has a real change to regenerate.
            int flip = 0;
            Row(name, types, files, "incremental: one declaration edit", Time(repetitions, () =>
            {
                string changed = ReplaceFirst(source, "Depth = ", flip++ % 2 == 0 ? "Depth = 1 + " : "Depth = 2 * 0 + ");
                var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(changed)));
                driver = driver.RunGenerators(edited);
            }));
        }
        return 0;
    }

    /// <summary>The MNIST example's own declaration file, and a file of many declarations to show how it scales.</summary>
    private static IEnumerable<(string Name, string Source)> Workloads()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Dsl.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from inside the repository (no Dsl.sln above " + AppContext.BaseDirectory + ").");
        yield return ("MNIST example (MnistDiffusion.cs)", File.ReadAllText(Path.Combine(root, "examples", "MnistDit", "MnistDiffusion.cs")));
        foreach (int count in new[] { 10, 50 })
        {
            var text = new System.Text.StringBuilder("using Diffusion.Dsl;\nnamespace Many;\n");
            for (int i = 0; i < count; i++)
                text.Append($"""
                    [NoiseSchedule(ScheduleKind.Cosine, Timesteps = {100 + i})]
                    public partial class S{i};
                    [DiffusionTransformer(InputSize = 32, InChannels = 4)]
                    [Patchify(PatchSize = 2, Width = 128)]
                    [LabelEmbedding(Classes = 10, DropRate = 0.1)]
                    [AdaLnZeroBlocks(Depth = {1 + i % 4}, Heads = 4)]
                    public partial class N{i};
                    [DiffusionModel(typeof(S{i}), typeof(N{i}))]
                    [Sampler(SamplerKind.Ddpm)]
                    [Sampler(SamplerKind.Ddim)]
                    [ClassifierFreeGuidance(Scale = 3.0)]
                    public partial class D{i};

                    """);
            yield return ($"{count} models ({count} x 3 types)", text.ToString());
        }
    }

    private static int CountDeclarations(string source) =>
        new[] { "[NoiseSchedule(", "[DiffusionTransformer(", "[DiffusionModel(" }.Sum(a => source.Split(a).Length - 1);

    private static string ReplaceFirst(string text, string what, string with)
    {
        int at = text.IndexOf(what, StringComparison.Ordinal);
        return at < 0 ? text : text[..at] + with + text[(at + what.Length)..];
    }

    private static double[] Time(int repetitions, Action run)
    {
        run(); // warm-up
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        return times;
    }

    private static void Row(string workload, int types, int files, string measure, double[] times)
    {
        Array.Sort(times);
        double median = times[times.Length / 2];
        Console.WriteLine($"{workload,-34} {types,5} {files,5}  {measure,-30} {median,10:F2} {times[0],8:F2} {median / types,8:F3}");
    }
}
