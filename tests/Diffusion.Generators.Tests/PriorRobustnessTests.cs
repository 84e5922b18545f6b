using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Random [DiffusionPrior] declarations, half with sizes that fit and half with wild values and stray attributes: the
/// generator never throws or reports DDSL999, every error has a location, and a clean declaration's code compiles.
/// </summary>
public class PriorRobustnessTests
{
    private static readonly string[] Wild =
    {
        "0", "-1", "int.MaxValue", "int.MinValue", "65537", "1 << 30", "\"eight\"", "1.5", "null", "true", "double.NaN", "3",
    };

    private static string Declaration(Random random, bool valid)
    {
        string Value(params string[] good) => !valid && random.Next(3) == 0 ? Wild[random.Next(Wild.Length)] : good[random.Next(good.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        var text = new StringBuilder("using Diffusion.Dsl;\n\nnamespace R;\n\n[NoiseSchedule(ScheduleKind.Cosine, Timesteps = 50)]\npublic partial class S;\n\n");
        text.Append("[DiffusionPrior(EmbeddingDim = " + Value("2", "8") + ", Width = " + Value("16", "32") + ", Depth = " + Value("1", "2")
            + ", Heads = " + Value("2", "4") + (Maybe(0.3) ? ", MlpRatio = " + Value("2.0", "4") : "")
            + (Maybe(0.5) ? ", TextTokens = " + Value("true", "false") : "") + (Maybe(0.2) ? ", LearnSigma = true" : "") + ")]\n");
        if (valid || Maybe(0.8))
        {
            text.Append("[TextConditioning(PooledDim = " + Value("3", "4") + ", TokenDim = " + Value("2", "5") + ", MaxTokens = " + Value("1", "3")
                + (!valid && Maybe(0.3) ? ", CrossAttention = true" : "") + ")]\n");
        }
        if (Maybe(0.3)) text.Append("[TimestepEmbedding(FrequencyDim = " + Value("8", "16") + ")]\n");
        if (!valid && Maybe(0.2)) text.Append(new[] { "[Patchify(PatchSize = 2, Width = 32)]", "[LabelEmbedding(Classes = 3)]", "[AdaLnZeroBlocks(Depth = 1, Heads = 2)]" }[random.Next(3)] + "\n");
        text.Append("public partial class N;\n\n");
        bool learned = text.ToString().Contains("LearnSigma = true");
        text.Append("[DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.CleanSample"
            + (learned ? ", Variance = ReverseVariance.Learned, Objective = Objective.Hybrid" : "") + ")]\n");
        if (!valid && Maybe(0.2)) text.Append("[SuperResolution(FromSize = 8)]\n");
        text.Append("[Sampler(SamplerKind.Ddim)]\npublic partial class D;\n");
        return text.ToString();
    }

    [Fact]
    public void RandomPriorDeclarationsNeverBreakTheGenerator()
    {
        int generated = 0, refused = 0, compiled = 0;
        for (int seed = 0; seed < 120; seed++)
        {
            var random = new Random(seed);
            bool valid = seed % 2 == 0;
            var source = Declaration(random, valid);
            var (result, output) = GeneratorHarness.Run(source);
            Assert.True(result.Results.Single().Exception is null, $"seed {seed}: {result.Results.Single().Exception}\n{source}");
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "DDSL999");
            Assert.All(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.NotEqual(Location.None, d.Location));
            bool errors = result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
                || output.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) != true);
            if (errors)
            {
                refused++;
                continue;
            }
            generated++;
            if (compiled >= 10) continue;
            var problems = GeneratorHarness.CompilerProblems(output);
            Assert.True(problems.Count == 0, $"seed {seed}:\n{source}\n{GeneratorHarness.Describe(problems)}");
            compiled++;
        }
        // Guards against a vacuous run: both outcomes occur, and clean code was compiled.
        Assert.True(generated >= 20 && refused >= 20 && compiled == 10, $"generated {generated}, refused {refused}, compiled {compiled}");
    }
}
