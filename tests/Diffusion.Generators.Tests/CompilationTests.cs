using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>The generated code compiles with zero errors and zero warnings (nullable enabled, XML docs checked).</summary>
public class CompilationTests
{
    [Theory]
    [InlineData(nameof(Sources.Mnist))]
    [InlineData(nameof(Sources.LatentDitS2))]
    [InlineData(nameof(Sources.VelocityLearned))]
    [InlineData(nameof(Sources.CleanSampleBound))]
    [InlineData(nameof(Sources.MnistUNet))]
    [InlineData(nameof(Sources.UNetVariants))]
    public void GeneratedCodeCompilesClean(string example)
    {
        var source = example switch
        {
            nameof(Sources.Mnist) => Sources.Mnist,
            nameof(Sources.MnistUNet) => Sources.MnistUNet,
            nameof(Sources.UNetVariants) => Sources.UNetVariants,
            nameof(Sources.LatentDitS2) => Sources.LatentDitS2,
            nameof(Sources.VelocityLearned) => Sources.VelocityLearned,
            _ => Sources.CleanSampleBound,
        };
        // The U-Net file uses the DiT file's schedule: they compile together, as in the example project.
        var (result, output) = example == nameof(Sources.MnistUNet) ? GeneratorHarness.Run(Sources.Mnist, source) : GeneratorHarness.Run(source);
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void GlobalNamespaceAndCustomParts()
    {
        const string source = """
            using Diffusion.Dsl;

            [NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
            internal partial class S;

            [DiffusionTransformer(InputSize = 8, InChannels = 3)]
            [Patchify(PatchSize = 2, Width = 32)]
            [TimestepEmbedding(FrequencyDim = 64)]
            [LabelEmbedding(Classes = 3, DropRate = 0.2)]
            [AdaLnZeroBlocks(Depth = 2, Heads = 4, MlpRatio = 2.5)]
            internal partial class N;

            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Ddim)]
            internal partial class D;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "N.Network.g.cs");
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    /// <summary>Every prediction with every variance and a fitting objective, with and without labels, compiles clean.</summary>
    [Theory]
    [InlineData("Noise", "FixedSmall", "Simple", true)]
    [InlineData("Noise", "FixedLarge", "VariationalBound", false)]
    [InlineData("Noise", "Learned", "Hybrid", true)]
    [InlineData("CleanSample", "FixedSmall", "Simple", false)]
    [InlineData("CleanSample", "Learned", "VariationalBound", true)]
    [InlineData("Velocity", "FixedLarge", "Simple", true)]
    [InlineData("Velocity", "Learned", "Hybrid", false)]
    [InlineData("Score", "FixedSmall", "Simple", true)]
    [InlineData("Score", "Learned", "Hybrid", true)]
    public void EveryPredictionAndVarianceCompilesClean(string prediction, string variance, string objective, bool labelled)
    {
        var source = $$"""
            using Diffusion.Dsl;

            namespace M;

            [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 100)]
            public partial class S;

            [DiffusionTransformer(InputSize = 4, InChannels = 2, LearnSigma = {{(variance == "Learned" ? "true" : "false")}})]
            [Patchify(PatchSize = 2, Width = 16)]
            {{(labelled ? "[LabelEmbedding(Classes = 3)]" : "")}}
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;

            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.{{prediction}}, Variance = ReverseVariance.{{variance}}, Objective = Objective.{{objective}})]
            [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
            {{(labelled ? "[ClassifierFreeGuidance]" : "")}}
            public partial class D;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }
}
