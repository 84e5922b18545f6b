using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>The U-Net, encoder and noisy-classifier diagnostics: each ID at its exact location, and no code for the broken declaration.</summary>
public class UNetDiagnosticTests
{
    private const string Schedule = """
        [NoiseSchedule(ScheduleKind.Cosine)]
        public partial class S;

        """;

    private const string GoodEncoder = """
        [UNetEncoder(InputSize = 8, InChannels = 1, Outputs = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1, NormGroups = 4, Heads = 2)]
        public partial class E;

        """;

    private static string Wrap(string body) => "using Diffusion.Dsl;\n\nnamespace T;\n\n" + body;

    private static GeneratorDriverRunResult RunPlain(string body) => GeneratorHarness.Run(Markup.Parse(Wrap(body)).Source).Result;

    [Fact]
    public void DDSL019_InputSizeThePyramidCannotHalve()
    {
        const string body = """
            [UNet({|DDSL019:InputSize = 28|}, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2, 2, 2 }, NormGroups = 8)]
            public partial class U;
            """;
        var diagnostics = Markup.Verify(Wrap(body));
        var message = diagnostics.Single().GetMessage();
        Assert.Contains("InputSize = 28 cannot be halved 3 times for 4 levels", message);
        Assert.Contains("divisible by 8 (such as 32)", message);
        Assert.Empty(RunPlain(body).GeneratedTrees);
    }

    [Fact]
    public void DDSL020_AttentionResolutionNotInThePyramid()
    {
        const string body = """
            [UNet(InputSize = 28, InChannels = 1, BaseChannels = 32, ChannelMultipliers = new[] { 1, 2 }, {|DDSL020:AttentionResolutions = new[] { 14, 7 }|}, NormGroups = 8)]
            public partial class U;
            """;
        var diagnostics = Markup.Verify(Wrap(body));
        Assert.Contains("AttentionResolutions has 7, which is not a resolution of this U-Net (its levels are 28, 14)", diagnostics.Single().GetMessage());
        Assert.Empty(RunPlain(body).GeneratedTrees);
    }

    [Fact]
    public void DDSL021_ChannelsNotDivisibleByNormGroups()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [UNet(InputSize = 16, InChannels = 1, BaseChannels = 24, ChannelMultipliers = new[] { 1, 2 }, {|DDSL021:NormGroups = 32|})]
            public partial class U;
            """));
        var message = diagnostics.Single().GetMessage();
        Assert.Contains("Level 0 has 24 channels (BaseChannels 24 x multiplier 1), not divisible by NormGroups = 32", message);
        Assert.Contains("for example 24", message);
    }

    [Fact]
    public void DDSL022_ChannelsAtAnAttentionResolutionNotDivisibleByHeads()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [UNetEncoder(InputSize = 16, InChannels = 1, Outputs = 2, BaseChannels = 12, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 16 }, NormGroups = 4, {|DDSL022:Heads = 5|})]
            public partial class E;
            """));
        // The 16x16 level (12 channels) and the middle at 8x8 (24 channels) both attend and 5 divides neither: one
        // diagnostic, for the first.
        Assert.Contains("Attention at resolution 16 runs on 12 channels, not divisible by Heads = 5; choose heads that divide it (for example 4)", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL003_PyramidValuesOutOfRange()
    {
        Markup.Verify(Wrap("""
            [UNet(InputSize = 16, InChannels = 1, {|DDSL003:BaseChannels = 7|}, {|DDSL003:ChannelMultipliers = new int[0]|}, {|DDSL003:ResBlocks = 0|}, {|DDSL003:Dropout = 1.0|})]
            public partial class U;
            """));
    }

    [Fact]
    public void DDSL022_TheMiddleBlockAlwaysAttends()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [UNet(InputSize = 16, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 3 }, NormGroups = 4, {|DDSL022:Heads = 16|})]
            public partial class U;
            """));
        // No AttentionResolutions, but the middle attends at 8x8 on 8 x 3 = 24 channels.
        Assert.Contains("Attention at resolution 8 runs on 24 channels, not divisible by Heads = 16; choose heads that divide it (for example 12)", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL003_EncoderWithoutOutputs()
    {
        Markup.Verify(Wrap("""
            [{|DDSL003:UNetEncoder(InputSize = 8, InChannels = 1, BaseChannels = 8, NormGroups = 4, Heads = 2)|}]
            public partial class E;
            """));
    }

    [Fact]
    public void DDSL008_EncoderWithALabelEmbedding()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [UNetEncoder(InputSize = 8, InChannels = 1, Outputs = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 4, Heads = 2)]
            [{|DDSL008:LabelEmbedding(Classes = 3)|}]
            public partial class E;
            """));
        Assert.Contains("an encoder classifies x_t and takes no label", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL008_TransformerPartsOnAUNet()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [UNet(InputSize = 8, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 4, Heads = 2)]
            [{|DDSL008:TimestepEmbedding(FrequencyDim = 64)|}]
            [{|DDSL008:Patchify(PatchSize = 2, Width = 32)|}]
            public partial class U;
            """));
        Assert.All(diagnostics, d => Assert.Contains("it is a part of a [DiffusionTransformer]; remove it", d.GetMessage()));
    }

    [Fact]
    public void DDSL007_ClassifierNetworkIsNotAnEncoder()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + """
            [UNet(InputSize = 8, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 4, Heads = 2)]
            public partial class U;

            [NoisyClassifier(typeof(S), {|DDSL007:typeof(U)|})]
            public partial class C;
            """));
        Assert.Contains("'T.U' is not a [UNetEncoder] class", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL006_ClassifierScheduleIsNotASchedule()
    {
        Markup.Verify(Wrap(GoodEncoder + """
            [NoisyClassifier({|DDSL006:typeof(E)|}, typeof(E))]
            public partial class C;
            """));
    }

    [Fact]
    public void DDSL007_ModelNetworkMayBeAUNetButNotAnEncoder()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodEncoder + """
            [DiffusionModel(typeof(S), {|DDSL007:typeof(E)|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;
            """));
        Assert.Contains("is not a [DiffusionTransformer], [UNet] or [DiffusionPrior] class", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL015_LearnedVarianceNeedsLearnSigmaOnTheUNet()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + """
            [UNet(InputSize = 8, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 4, Heads = 2)]
            public partial class U;

            [DiffusionModel(typeof(S), typeof(U), {|DDSL015:Variance = ReverseVariance.Learned|}, Objective = Objective.Hybrid)]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("add LearnSigma = true to [UNet] on 'U'", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void ClassifierOfABrokenEncoderGetsNoCodeAndNoExtraDiagnostic()
    {
        var result = RunPlain(Schedule + """
            [UNetEncoder(InputSize = 8, InChannels = 1, Outputs = 3, BaseChannels = 8, NormGroups = 3, Heads = 2)]
            public partial class E;

            [NoisyClassifier(typeof(S), typeof(E))]
            public partial class C;
            """);
        Assert.Equal(new[] { "DDSL021" }, result.Diagnostics.Select(d => d.Id));
        Assert.DoesNotContain(result.GeneratedTrees, t => t.FilePath.EndsWith("T.C.Classifier.g.cs"));
    }
}
