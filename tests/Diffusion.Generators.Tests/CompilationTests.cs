using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>The generated code compiles with zero errors and zero warnings (nullable enabled, XML docs checked).</summary>
public class CompilationTests
{
    [Theory]
    [InlineData(nameof(Sources.Mnist))]
    [InlineData(nameof(Sources.LatentDitS2))]
    public void GeneratedCodeCompilesClean(string example)
    {
        var source = example == nameof(Sources.Mnist) ? Sources.Mnist : Sources.LatentDitS2;
        var (result, output) = GeneratorHarness.Run(source);
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
}
