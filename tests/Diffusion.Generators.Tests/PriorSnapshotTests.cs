using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>The generated files of the diffusion prior's example declarations, pinned as reviewed baselines.</summary>
public class PriorSnapshotTests
{
    /// <summary>
    /// Each prior's Network file and its model's usual five files plus the Text file (SampleText, which refuses
    /// thresholding), without errors, compiling.
    /// </summary>
    [Fact]
    public void Unclip()
    {
        var (result, output) = GeneratorHarness.Run(PriorSources.Unclip);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));    // the generated code compiles
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Examples.Unclip.DigitPrior.Network.g.cs", hints);
        Assert.Contains("Examples.Unclip.DigitPriorDiffusion.Text.g.cs", hints);
        Assert.Contains("Examples.Unclip.PooledPrior.Network.g.cs", hints);
        Assert.Contains("Examples.Unclip.PooledPriorDiffusion.Text.g.cs", hints);
        Snapshot.Verify(result);
    }
}

/// <summary>The generated prior's aliases give way to user types and members of the same names, as the DiT's do.</summary>
public class PriorAliasCollisionTests
{
    [Fact]
    public void UserTypesNamedLikeThePriorsAliasesStillCompileAndAreNotAliased()
    {
        const string source = """
            using Diffusion.Dsl;

            namespace Lab.Priors
            {
                public sealed class Tensor { }
                public sealed class PriorTransformer { }
                public static class torch { }

                [NoiseSchedule(ScheduleKind.Cosine, Timesteps = 50)]
                public partial class Schedule;

                [DiffusionPrior(EmbeddingDim = 4, Width = 16, Depth = 1, Heads = 2)]
                [TextConditioning(PooledDim = 3, TokenDim = 2, MaxTokens = 2)]
                public partial class Prior
                {
                    /// <summary>A member named like an alias: inside the class it would win over the alias.</summary>
                    public int TextEmbedder => 3;
                }

                [DiffusionModel(typeof(Schedule), typeof(Prior), Predicts = Prediction.CleanSample)]
                [Sampler(SamplerKind.Ddim)]
                public partial class Model;
            }
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));

        var network = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Lab.Priors.Prior.Network.g.cs").SourceText.ToString();
        foreach (var taken in new[] { "Tensor", "PriorTransformer", "torch", "TextEmbedder" })
        {
            Assert.DoesNotContain("using " + taken + " = ", network);
        }
        Assert.Contains("private readonly global::Diffusion.Runtime.Networks.PriorTransformer transformer;", network);
        Assert.Contains("using TimestepEmbedder = global::Diffusion.Runtime.Networks.TimestepEmbedder;", network);
    }
}
