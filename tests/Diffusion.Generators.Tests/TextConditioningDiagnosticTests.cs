using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The diagnostics of [TextConditioning] (DDSL061, and DDSL003/DDSL004 for its values), each with its exact span, and
/// no code for the declaration that reports one.
/// </summary>
public class TextConditioningDiagnosticTests
{
    private const string Schedule = """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class S;

        """;

    /// <summary>An 8 x 8 DiT with <paramref name="parts"/> as its extra attributes.</summary>
    private static string Net(string parts) => $$"""
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        {{parts}}
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class Net;

        """;

    private const string Text = "[TextConditioning(PooledDim = 8, TokenDim = 4, MaxTokens = 3, CrossAttention = true)]";

    /// <summary>Checks the marked diagnostics, that a message holds <paramref name="part"/>, and that <paramref name="type"/> got no code.</summary>
    private static void Verify(string source, string part, string type)
    {
        var diagnostics = Markup.Verify(source);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(part));
        var (result, _) = GeneratorHarness.Run(Markup.Parse(source).Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T." + type + "."));
    }

    [Fact]
    public void AValidTextModelReportsNothingAndGetsItsTextFile()
    {
        var (result, output) = GeneratorHarness.Run(Schedule + Net(Text) + """
            [DiffusionModel(typeof(S), typeof(Net))]
            [ClassifierFreeGuidance(Scale = 2)]
            [Sampler(SamplerKind.Ddim)]
            public partial class M;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.Contains("T.M.Text.g.cs", result.Results.Single().GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public void TextBesideALabelEmbeddingIsDDSL061AtTheLabelEmbedding()
    {
        Verify(Schedule + Net("[{|DDSL061:LabelEmbedding(Classes = 10)|}]\n" + Text), "takes the place of [LabelEmbedding]", "Net");
    }

    [Fact]
    public void TextBesideLowResolutionConditioningIsDDSL061()
    {
        Verify(Schedule + Net("[{|DDSL061:LowResolutionConditioning(Channels = 1)|}]\n" + Text),
            "super-resolution network conditioned on text is not supported yet", "Net");
    }

    [Fact]
    public void CrossAttentionOnAUNetReportsNothingAndCrossAttendsInTheMiddleBlock()
    {
        var (result, output) = GeneratorHarness.Run(Schedule + """
            [UNet(InputSize = 8, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new int[0])]
            [TextConditioning(PooledDim = 8, TokenDim = 4, CrossAttention = true)]
            public partial class U;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var network = result.Results.Single().GeneratedSources.Single(s => s.HintName == "T.U.Network.g.cs").SourceText.ToString();
        Assert.Contains("layers.CrossAttention(64, TokenDim)", network);    // no AttentionResolutions: the middle block only
        Assert.Contains("middle_block.call(h5, emb, caption)", network);
        Assert.Contains("input_blocks[1].call(h0, emb);", network);
    }

    [Fact]
    public void TextOnANoisyClassifiersEncoderIsDDSL061()
    {
        Verify(Schedule + """
            [UNetEncoder(InputSize = 8, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new int[0], Outputs = 10)]
            [{|DDSL061:TextConditioning(PooledDim = 8, TokenDim = 4)|}]
            public partial class E;
            """, "a noisy classifier's encoder does not take text", "E");
    }

    [Fact]
    public void ATextModelDistilledIsDDSL061AtTheNetwork()
    {
        Verify(Schedule + Net(Text) + """
            [DiffusionModel(typeof(S), typeof(Net))]
            [Sampler(SamplerKind.Ddim)]
            public partial class Teacher;

            [DiffusionModel(typeof(S), {|DDSL061:typeof(Net)|}, Predicts = Prediction.Velocity)]
            [ProgressiveDistillation(typeof(Teacher))]
            [Sampler(SamplerKind.Ddim)]
            public partial class M;
            """, "is not supported yet", "M");
    }

    [Fact]
    public void NonPositiveWidthsAreDDSL003AtEachValue()
    {
        Verify(Schedule + Net("[TextConditioning({|DDSL003:PooledDim = 0|}, {|DDSL003:TokenDim = -1|}, {|DDSL003:MaxTokens = 0|})]"),
            "PooledDim", "Net");
    }

    [Fact]
    public void ADropRateOfOneIsDDSL004AtTheValue()
    {
        Verify(Schedule + Net("[TextConditioning(PooledDim = 8, TokenDim = 4, {|DDSL004:DropRate = 1.0|})]"), "1", "Net");
    }
}
