using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The diagnostics of [DiffusionPrior] (DDSL062, and DDSL002/DDSL003/DDSL012 for its sizes), each with its exact span,
/// and no code for the declaration that reports one.
/// </summary>
public class PriorDiagnosticTests
{
    private const string Schedule = """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 100)]
        public partial class S;

        """;

    private const string Text = "[TextConditioning(PooledDim = 2, TokenDim = 3, MaxTokens = 4)]";

    /// <summary>A prior P declared by <paramref name="prior"/> with <paramref name="parts"/> beside it.</summary>
    private static string Prior(string prior = "DiffusionPrior(EmbeddingDim = 2, Width = 32, Depth = 1, Heads = 2)", string parts = Text) => $$"""
        [{{prior}}]
        {{parts}}
        public partial class P;

        """;

    private const string Model = """
        [DiffusionModel(typeof(S), typeof(P), Predicts = Prediction.CleanSample)]
        [Sampler(SamplerKind.Ddim)]
        public partial class M;

        """;

    /// <summary>Checks the marked diagnostics, that a message holds <paramref name="part"/>, and that <paramref name="type"/> got no code.</summary>
    private static void Verify(string source, string part, string type)
    {
        var diagnostics = Markup.Verify(source);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(part));
        var (result, _) = GeneratorHarness.Run(Markup.Parse(source).Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T." + type + "."));
    }

    [Fact]
    public void AValidPriorModelReportsNothingAndGetsItsNetworkAndTextFiles()
    {
        var (result, output) = GeneratorHarness.Run(Schedule + Prior() + Model);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Contains("T.P.Network.g.cs", hints);
        Assert.Contains("T.M.Text.g.cs", hints);
    }

    [Fact]
    public void APriorWithoutTextIsDDSL062AtTheClassName()
    {
        Verify(Schedule + "[DiffusionPrior(EmbeddingDim = 2, Width = 32, Depth = 1, Heads = 2)]\npublic partial class {|DDSL062:P|};\n",
            "'P' is a diffusion prior: it generates an image embedding from a text embedding, so it needs [TextConditioning]", "P");
    }

    [Fact]
    public void CrossAttentionIsDDSL062AtTheArgument()
    {
        Verify(Schedule + Prior(parts: "[TextConditioning(PooledDim = 2, TokenDim = 3, {|DDSL062:CrossAttention = true|})]"),
            "its text enters the token sequence", "P");
    }

    [Fact]
    public void ADiTPartALabelOrALowResolutionImageIsDDSL062AtEachAttribute()
    {
        Verify(Schedule + Prior(parts: Text + """

            [{|DDSL062:Patchify(PatchSize = 2, Width = 32)|}]
            [{|DDSL062:AdaLnZeroBlocks(Depth = 1, Heads = 2)|}]
            [{|DDSL062:LabelEmbedding(Classes = 10)|}]
            [{|DDSL062:LowResolutionConditioning(Channels = 1)|}]
            """), "remove [LabelEmbedding]", "P");
    }

    [Fact]
    public void SizesOutOfRangeAreDDSL003AndWidthNotDividedByHeadsIsDDSL002()
    {
        Verify(Schedule + Prior("DiffusionPrior({|DDSL003:EmbeddingDim = 0|}, Width = 30, {|DDSL003:Depth = -1|}, {|DDSL002:Heads = 4|}, "
            + "{|DDSL003:MlpRatio = 0.0|})"), "Width = 30 is not divisible by Heads = 4", "P");
    }

    [Fact]
    public void AnOmittedSizeIsDDSL003AtTheAttribute()
    {
        Verify(Schedule + Prior("{|DDSL003:DiffusionPrior(EmbeddingDim = 2, Depth = 1, Heads = 2)|}"), "Width", "P");
    }

    [Fact]
    public void AnOddFrequencyCountIsDDSL012()
    {
        Verify(Schedule + Prior(parts: Text + "\n[TimestepEmbedding({|DDSL012:FrequencyDim = 7|})]"), "7", "P");
    }

    [Fact]
    public void APriorModelWithLatentDiffusionIsDDSL062AtTheAttribute()
    {
        Verify(Schedule + Prior() + """
            [Autoencoder(InputSize = 16, InChannels = 3, DownsamplingFactor = 4, LatentChannels = 3, BaseChannels = 16,
                         ChannelMultipliers = new[] { 1, 1, 2 }, NormGroups = 8)]
            public partial class A;

            [DiffusionModel(typeof(S), typeof(P), Predicts = Prediction.CleanSample)]
            [{|DDSL062:LatentDiffusion(typeof(A))|}]
            [Sampler(SamplerKind.Ddim)]
            public partial class M;
            """, "its samples are image embeddings of (2, 1, 1), not the images [LatentDiffusion] needs", "M");
    }

    [Fact]
    public void APriorModelWithSuperResolutionIsDDSL062AtTheAttribute()
    {
        Verify(Schedule + Prior() + """
            [DiffusionModel(typeof(S), typeof(P), Predicts = Prediction.CleanSample)]
            [{|DDSL062:SuperResolution(FromSize = 8)|}]
            [Sampler(SamplerKind.Ddim)]
            public partial class M;
            """, "not the images [SuperResolution] needs", "M");
    }

    [Fact]
    public void APriorModelAsACascadeStageIsDDSL062AtTheStage()
    {
        Verify(Schedule + Prior() + Model + "[Cascade({|DDSL062:typeof(M)|})]\npublic partial class C;\n",
            "'M' samples image embeddings, not the images a cascade's stages pass on", "C");
    }
}
