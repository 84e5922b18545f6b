using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The diagnostics of [SuperResolution], [LowResolutionConditioning] and [Cascade] (DDSL056-060), each with its exact
/// span, and no code for the declaration that reports one.
/// </summary>
public class CascadeDiagnosticTests
{
    private const string Head = """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 1000)]
        public partial class S;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class BaseNet;

        [DiffusionModel(typeof(S), typeof(BaseNet))]
        [Sampler(SamplerKind.Ddim)]
        public partial class B;

        """;

    /// <summary>A 16 x 16 network of <paramref name="channels"/> with <paramref name="conditioning"/> as its extra attribute.</summary>
    private static string UpNet(string conditioning, int channels = 1) => $$"""
        [DiffusionTransformer(InputSize = 16, InChannels = {{channels}})]
        {{conditioning}}
        [Patchify(PatchSize = 4, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class UpNet;

        """;

    private const string Conditioned = "[LowResolutionConditioning(Channels = 1)]";

    /// <summary>Checks the marked diagnostics, that a message holds <paramref name="part"/>, and that <paramref name="type"/> got no code.</summary>
    private static void Verify(string source, string part, string type)
    {
        var diagnostics = Markup.Verify(source);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(part));
        var (result, _) = GeneratorHarness.Run(Markup.Parse(source).Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T." + type + "."));
    }

    [Fact]
    public void AValidCascadeReportsNothingAndGetsItsFiles()
    {
        var (result, output) = GeneratorHarness.Run(Head + UpNet(Conditioned) + """
            [DiffusionModel(typeof(S), typeof(UpNet))]
            [SuperResolution(FromSize = 8, MaxLevel = 100, SamplingLevel = 10)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;

            [Cascade(typeof(B), typeof(U))]
            public partial class C;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Contains("T.U.SuperResolution.g.cs", hints);
        Assert.Contains("T.C.Cascade.g.cs", hints);
    }

    [Fact]
    public void AStageWhoseNetworkLacksTheLowResolutionChannelsIsDDSL056AtTheNetwork()
    {
        Verify(Head + UpNet("") + """
            [DiffusionModel(typeof(S), {|DDSL056:typeof(UpNet)|})]
            [SuperResolution(FromSize = 8)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, "has no low-resolution input channels", "U");
    }

    [Fact]
    public void ALowResolutionChannelCountOtherThanTheImagesIsDDSL056()
    {
        Verify(Head + UpNet("[LowResolutionConditioning(Channels = 3)]") + """
            [DiffusionModel(typeof(S), {|DDSL056:typeof(UpNet)|})]
            [SuperResolution(FromSize = 8)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, "takes 3 low-resolution channels, but its images have 1", "U");
    }

    [Fact]
    public void AConditionedNetworkOnAModelWithoutSuperResolutionIsDDSL056()
    {
        Verify(Head + UpNet(Conditioned) + """
            [DiffusionModel(typeof(S), {|DDSL056:typeof(UpNet)|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, "but this model has no [SuperResolution]", "U");
    }

    [Fact]
    public void AUNetStageIsDDSL056()
    {
        Verify(Head + """
            [UNet(InputSize = 16, InChannels = 1, BaseChannels = 16, ChannelMultipliers = new[] { 1, 2 }, NormGroups = 8)]
            public partial class UpNet;

            [DiffusionModel(typeof(S), {|DDSL056:typeof(UpNet)|})]
            [SuperResolution(FromSize = 8)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, "super-resolution stages are [DiffusionTransformer] networks for now", "U");
    }

    [Theory]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(0)]
    public void AFromSizeThatDoesNotDivideTheStageIsDDSL057AtFromSize(int fromSize)
    {
        Verify(Head + UpNet(Conditioned) + $$"""
            [DiffusionModel(typeof(S), typeof(UpNet))]
            [SuperResolution({|DDSL057:FromSize = {{fromSize}}|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, "divide it", "U");
    }

    [Theory]
    [InlineData("MinLevel = 0, {|DDSL058:MaxLevel = 1001|}", "outside 0..T = 0..1000")]
    [InlineData("MinLevel = 50, {|DDSL058:MaxLevel = 40|}", "are empty")]
    [InlineData("{|DDSL058:MinLevel = -1|}", "outside 0..T = 0..1000")]
    [InlineData("{|DDSL058:SamplingLevel = 2.5|}", "is no Gaussian level")]
    [InlineData("Augmentation = NoiseAugmentation.Blur, MinBlurSigma = 0.6, {|DDSL058:MaxBlurSigma = 0.4|}", "are empty")]
    [InlineData("Augmentation = NoiseAugmentation.Blur, {|DDSL058:MinBlurSigma = -1|}", "outside 0..100 pixels")]
    [InlineData("Augmentation = NoiseAugmentation.None, {|DDSL058:SamplingLevel = 3|}", "trained without augmentation")]
    public void AnEmptyOrOutOfRangeAugmentationIsDDSL058AtItsArgument(string arguments, string part)
    {
        Verify(Head + UpNet(Conditioned) + $$"""
            [DiffusionModel(typeof(S), typeof(UpNet))]
            [SuperResolution(FromSize = 8, {{arguments}})]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;
            """, part, "U");
    }

    private const string Up = """
        [DiffusionModel(typeof(S), typeof(UpNet))]
        [SuperResolution(FromSize = 8)]
        [Sampler(SamplerKind.Ddim)]
        public partial class U;

        """;

    [Fact]
    public void StagesWhoseSizesDoNotChainAreDDSL059AtTheLaterStage()
    {
        Verify(Head + UpNet(Conditioned) + Up + """
            [DiffusionTransformer(InputSize = 32, InChannels = 1)]
            [LowResolutionConditioning(Channels = 1)]
            [Patchify(PatchSize = 4, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class Up32Net;

            [DiffusionModel(typeof(S), typeof(Up32Net))]
            [SuperResolution(FromSize = 8)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U32;

            [Cascade(typeof(B), typeof(U), {|DDSL059:typeof(U32)|})]
            public partial class C;
            """, "Stage 2 'U32' is conditioned on 8 x 8 x 1 images, but stage 1 'U' generates 16 x 16 x 1", "C");
    }

    [Fact]
    public void StagesWhoseChannelsDoNotChainAreDDSL059()
    {
        Verify(Head + UpNet("[LowResolutionConditioning(Channels = 3)]", channels: 3) + """
            [DiffusionModel(typeof(S), typeof(UpNet))]
            [SuperResolution(FromSize = 8)]
            [Sampler(SamplerKind.Ddim)]
            public partial class U;

            [Cascade(typeof(B), {|DDSL059:typeof(U)|})]
            public partial class C;
            """, "is conditioned on 8 x 8 x 3 images, but stage 0 'B' generates 8 x 8 x 1", "C");
    }

    [Fact]
    public void StagesWithOtherClassesAreDDSL059()
    {
        Verify(Head + """
            [DiffusionTransformer(InputSize = 16, InChannels = 1)]
            [LowResolutionConditioning(Channels = 1)]
            [Patchify(PatchSize = 4, Width = 32)]
            [LabelEmbedding(Classes = 10, DropRate = 0.1)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class UpNet;

            """ + Up + """
            [Cascade(typeof(B), {|DDSL059:typeof(U)|})]
            public partial class C;
            """, "takes labels of 10 classes, but stage 0 'B' is unconditional", "C");
    }

    /// <summary>A 8 x 8 base conditioned on text, TB.</summary>
    private const string TextBase = """
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [TextConditioning(PooledDim = 4, TokenDim = 4, MaxTokens = 4, CrossAttention = true, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class TextNet;

        [DiffusionModel(typeof(S), typeof(TextNet))]
        [Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 2.0)]
        public partial class TB;

        """;

    [Fact]
    public void AnUpsamplerTakingLabelsAfterABaseConditionedOnTextIsDDSL059()
    {
        Verify(Head + TextBase + """
            [DiffusionTransformer(InputSize = 16, InChannels = 1)]
            [LowResolutionConditioning(Channels = 1)]
            [Patchify(PatchSize = 4, Width = 32)]
            [LabelEmbedding(Classes = 10, DropRate = 0.1)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class UpNet;

            """ + Up + """
            [Cascade(typeof(TB), {|DDSL059:typeof(U)|})]
            public partial class C;
            """, "Stage 1 'U' takes labels of 10 classes, but stage 0 'TB' is conditioned on text; a cascade from text conditions its "
                + "upsamplers on the image below alone: remove [LabelEmbedding] from 'UpNet'", "C");
    }

    [Fact]
    public void ACascadeFromTextSamplesFromPromptsThroughItsUpsamplers()
    {
        var (result, output) = GeneratorHarness.Run(Head + TextBase + UpNet(Conditioned) + Up + """
            [Cascade(typeof(TB), typeof(U))]
            public partial class C;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var cascade = result.Results.Single().GeneratedSources.Single(s => s.HintName == "T.C.Cascade.g.cs").SourceText.ToString();
        Assert.Contains("partial class C : ITextCascadeModel", cascade);
        Assert.Contains("CascadeSampling.RunText(Stages, prompts, sampler, request, generator, augmentationLevel);", cascade);
    }

    [Fact]
    public void StagesInTheWrongOrderAreDDSL060AtEach()
    {
        Verify(Head + UpNet(Conditioned) + Up + """
            [Cascade({|DDSL060:typeof(U)|}, {|DDSL060:typeof(B)|})]
            public partial class C;
            """, "the first stage 'U' is a [SuperResolution] stage", "C");
    }

    [Fact]
    public void ALaterStageWithoutSuperResolutionIsDDSL060()
    {
        Verify(Head + """
            [Cascade(typeof(B), {|DDSL060:typeof(B)|})]
            public partial class C;
            """, "stage 1 'B' has no [SuperResolution]", "C");
    }

    [Fact]
    public void AStageThatIsNoDiffusionModelIsDDSL060()
    {
        Verify(Head + """
            [Cascade(typeof(B), {|DDSL060:typeof(BaseNet)|})]
            public partial class C;
            """, "'T.BaseNet' is not a [DiffusionModel] class", "C");
    }

    [Fact]
    public void ACascadeWithoutStagesIsDDSL060AtTheAttribute()
    {
        Verify(Head + """
            [{|DDSL060:Cascade|}]
            public partial class C;
            """, "names no stage", "C");
    }
}
