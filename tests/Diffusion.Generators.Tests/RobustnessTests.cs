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

    private static string RandomSource(Random random)
    {
        string Pick(string[] values) => values[random.Next(values.Length)];
        bool Maybe(double p = 0.5) => random.NextDouble() < p;
        string Named(string name, string[] values) => Maybe(0.8) ? name + " = " + Pick(values) : "";
        string Args(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
        string Modifiers() => Maybe(0.9) ? "public partial class" : Pick(new[] { "public class", "public static partial class", "public abstract partial class", "partial record", "partial struct" });

        var text = new StringBuilder("using Diffusion.Dsl;\n\nnamespace R;\n\n");
        if (Maybe(0.9)) text.Append("[NoiseSchedule(" + Args(Pick(Enums), Named("Timesteps", IntValues)) + ")]\n");
        text.Append(Modifiers() + " S;\n\n");

        if (Maybe(0.9)) text.Append("[DiffusionTransformer(" + Args(Named("InputSize", IntValues), Named("InChannels", IntValues)) + ")]\n");
        if (Maybe(0.3)) text.Append("[DiTPreset(" + Args(Pick(Enums), Named("PatchSize", IntValues)) + ")]\n");
        if (Maybe(0.7)) text.Append("[Patchify(" + Args(Named("PatchSize", IntValues), Named("Width", IntValues)) + ")]\n");
        if (Maybe(0.3)) text.Append("[TimestepEmbedding(" + Named("FrequencyDim", IntValues) + ")]\n");
        if (Maybe(0.5)) text.Append("[LabelEmbedding(" + Args(Named("Classes", IntValues), Named("DropRate", DoubleValues)) + ")]\n");
        if (Maybe(0.7)) text.Append("[AdaLnZeroBlocks(" + Args(Named("Depth", IntValues), Named("Heads", IntValues), Maybe(0.3) ? Named("MlpRatio", DoubleValues) : "") + ")]\n");
        if (Maybe(0.05)) text.Append("[NoiseSchedule(ScheduleKind.Linear)]\n");
        text.Append(Modifiers() + " N;\n\n");

        if (Maybe(0.9)) text.Append("[DiffusionModel(" + Args(Pick(Types), Pick(Types), Maybe(0.3) ? "Predicts = " + Pick(Enums) : "") + ")]\n");
        int samplers = random.Next(0, 4);
        for (int i = 0; i < samplers; i++) text.Append("[Sampler(" + Pick(Enums) + ")]\n");
        if (Maybe(0.4)) text.Append("[ClassifierFreeGuidance(" + Named("Scale", DoubleValues) + ")]\n");
        text.Append(Modifiers() + " D;\n");

        var source = text.ToString();
        if (Maybe(0.15))
        {
            // Broken syntax: cut the text somewhere, or drop in a stray token.
            int at = random.Next(source.Length);
            source = Maybe() ? source.Substring(0, at) : source.Insert(at, Pick(new[] { "(", ")]", "[", "{", ",", "typeof(", "= =", "\"" }));
        }
        return source;
    }
}
