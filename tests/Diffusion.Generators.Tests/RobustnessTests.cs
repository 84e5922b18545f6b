using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Random malformed declarations (wrong argument types, negative and huge values, missing attributes, broken syntax):
/// the generator never throws, never reports DDSL999, and every run either compiles clean or is explained by a DDSL
/// error or by a compiler error in the input itself.
/// </summary>
public class RobustnessTests
{
    private static readonly string[] IntValues = { "1", "2", "3", "4", "8", "28", "32", "192", "0", "-1", "-2147483648", "2147483647", "int.MaxValue", "100000", "65536", "\"eight\"", "1.5", "null", "true", "(int)ScheduleKind.Cosine" };
    private static readonly string[] DoubleValues = { "0.1", "0", "1.0", "-0.5", "4", "double.NaN", "double.PositiveInfinity", "1e308", "\"x\"", "null", "0.999" };
    private static readonly string[] Enums = { "ScheduleKind.Cosine", "ScheduleKind.Linear", "(ScheduleKind)9", "SamplerKind.Ddim", "SamplerKind.Ddpm", "(SamplerKind)5", "DiTSize.S", "DiTSize.XL", "(DiTSize)-1", "Prediction.Noise", "(Prediction)3", "7", "null", "\"Cosine\"" };
    private static readonly string[] Types = { "typeof(S)", "typeof(N)", "typeof(D)", "typeof(string)", "typeof(Missing)", "null", "typeof(S<>)", "\"S\"" };

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 200).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomDeclarationNeverBreaksTheGenerator(int seed)
    {
        var source = RandomSource(new Random(seed));
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "DDSL999");

        bool inputBroken = compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        bool declarationError = result.Diagnostics.Any(d => d.Id.StartsWith("DDSL", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(
            problems.Count == 0 || inputBroken || declarationError,
            "seed " + seed + ":\n" + source + "\n" + GeneratorHarness.Describe(problems));

        // A DDSL error means no code for that declaration; generated code never carries its own errors on valid input.
        if (!inputBroken)
        {
            var generatedErrors = problems.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
            Assert.True(generatedErrors.Count == 0, "seed " + seed + ":\n" + source + "\n" + GeneratorHarness.Describe(generatedErrors));
        }
    }

    [Fact]
    public void FuzzReachesCodeThatCompilesClean()
    {
        // Guards the fuzz against being vacuous: a share of the random declarations is valid and generates code.
        int generatedClean = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var compilation = GeneratorHarness.CreateCompilation(RandomSource(new Random(seed)));
            var result = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _).GetRunResult();
            if (result.GeneratedTrees.Length > 0 && GeneratorHarness.CompilerProblems(output).Count == 0) generatedClean++;
        }
        Assert.True(generatedClean >= 5, "only " + generatedClean + " of 200 random declarations generated code that compiles clean");
    }

    private static string RandomSource(Random random)
    {
        // Half the sources are mostly valid (each value goes bad with a small probability), half are wild.
        double bad = random.NextDouble() < 0.5 ? 0.04 : 1.0;
        bool Maybe(double p = 0.5) => random.NextDouble() < p;
        string Pick(string[] values) => values[random.Next(values.Length)];
        string Value(string[] good, string[] wild) => Maybe(bad) ? Pick(wild) : Pick(good);
        string Named(string name, string[] good, string[] wild) => Maybe(bad < 1 ? 1.0 - bad : 0.8) ? name + " = " + Value(good, wild) : "";
        string Args(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
        string Modifiers() => !Maybe(bad / 2) ? "public partial class" : Pick(new[] { "public class", "public static partial class", "public abstract partial class", "partial record", "partial struct" });
        bool Present(double wildP) => bad < 1 ? !Maybe(bad) : Maybe(wildP);

        string[] schedules = { "ScheduleKind.Cosine", "ScheduleKind.Linear" };
        string[] steps = { "10", "1000" };
        string[] sizes = { "8", "16", "32" };
        string[] channels = { "1", "3" };
        string[] patches = { "2", "4" };
        string[] widths = { "32", "64" };
        string[] heads = { "2", "4" };
        string[] depths = { "1", "2" };
        string[] classes = { "3", "10" };
        string[] rates = { "0.1", "0.2" };
        string[] samplerKinds = { "SamplerKind.Ddim", "SamplerKind.Ddpm" };

        var text = new StringBuilder("using Diffusion.Dsl;\n\nnamespace R;\n\n");
        if (Present(0.9)) text.Append("[NoiseSchedule(" + Args(Value(schedules, Enums), Named("Timesteps", steps, IntValues)) + ")]\n");
        text.Append(Modifiers() + " S;\n\n");

        if (Present(0.9)) text.Append("[DiffusionTransformer(" + Args(Named("InputSize", sizes, IntValues), Named("InChannels", channels, IntValues)) + ")]\n");
        if (Maybe(bad < 1 ? 0.02 : 0.3)) text.Append("[DiTPreset(" + Args(Pick(Enums), Named("PatchSize", patches, IntValues)) + ")]\n");
        if (Present(0.7)) text.Append("[Patchify(" + Args(Named("PatchSize", patches, IntValues), Named("Width", widths, IntValues)) + ")]\n");
        if (Maybe(0.3)) text.Append("[TimestepEmbedding(" + Named("FrequencyDim", new[] { "16", "256" }, IntValues) + ")]\n");
        if (Maybe(0.5)) text.Append("[LabelEmbedding(" + Args(Named("Classes", classes, IntValues), Named("DropRate", rates, DoubleValues)) + ")]\n");
        if (Present(0.7)) text.Append("[AdaLnZeroBlocks(" + Args(Named("Depth", depths, IntValues), Named("Heads", heads, IntValues), Maybe(0.3) ? Named("MlpRatio", new[] { "2.0", "4" }, DoubleValues) : "") + ")]\n");
        if (Maybe(bad / 10)) text.Append("[NoiseSchedule(ScheduleKind.Linear)]\n");
        text.Append(Modifiers() + " N;\n\n");

        if (Present(0.9)) text.Append("[DiffusionModel(" + Args(Value(new[] { "typeof(S)" }, Types), Value(new[] { "typeof(N)" }, Types), Maybe(0.3) ? "Predicts = " + Value(new[] { "Prediction.Noise" }, Enums) : "") + ")]\n");
        int samplers = bad < 1 ? 1 + random.Next(0, 2) : random.Next(0, 4);
        for (int i = 0; i < samplers; i++) text.Append("[Sampler(" + (bad < 1 ? samplerKinds[i % 2] : Pick(Enums)) + ")]\n");
        if (Maybe(0.4)) text.Append("[ClassifierFreeGuidance(" + Named("Scale", new[] { "4.0", "1.5" }, DoubleValues) + ")]\n");
        text.Append(Modifiers() + " D;\n");

        var source = text.ToString();
        if (Maybe(bad < 1 ? 0.02 : 0.25))
        {
            // Broken syntax: cut the text somewhere, or drop in a stray token.
            int at = random.Next(source.Length);
            source = Maybe() ? source.Substring(0, at) : source.Insert(at, Pick(new[] { "(", ")]", "[", "{", ",", "typeof(", "= =", "\"" }));
        }
        return source;
    }
}
