using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>One test per diagnostic: its ID, its exact location, and that the broken declaration gets no code.</summary>
public class DiagnosticTests
{
    private const string Schedule = """
        [NoiseSchedule(ScheduleKind.Cosine)]
        public partial class S;

        """;

    private const string GoodNetwork = """
        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 10)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        """;

    private static string Wrap(string body) => "using Diffusion.Dsl;\n\nnamespace T;\n\n" + body;

    private static GeneratorDriverRunResult RunPlain(string body) => GeneratorHarness.Run(Markup.Parse(Wrap(body)).Source).Result;

    [Fact]
    public void DDSL001_PatchSizeDoesNotDivideInputSize()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 28, InChannels = 1)]
            [Patchify({|DDSL001:PatchSize = 3|}, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """));
        Assert.Contains("PatchSize = 3 does not divide InputSize = 28", diagnostics.Single().GetMessage());
        Assert.Contains("for example 2", diagnostics.Single().GetMessage());
        Assert.Empty(RunPlain("""
            [DiffusionTransformer(InputSize = 28, InChannels = 1)]
            [Patchify(PatchSize = 3, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """).GeneratedTrees);
    }

    /// <summary>
    /// A preset's default patch size (2) was never written, so the diagnostic spans the whole preset attribute; a patch
    /// size written on the preset is pointed at itself.
    /// </summary>
    [Fact]
    public void DDSL001_PresetDefaultPatchSizePointsAtThePreset()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 9, InChannels = 1)]
            [{|DDSL001:DiTPreset(DiTSize.S)|}]
            public partial class N;
            """));
        Assert.Contains("PatchSize = 2 does not divide InputSize = 9", diagnostics.Single().GetMessage());

        diagnostics = Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 9, InChannels = 1)]
            [DiTPreset(DiTSize.S, {|DDSL001:PatchSize = 4|})]
            public partial class N;
            """));
        Assert.Contains("PatchSize = 4 does not divide InputSize = 9", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL002_WidthNotDivisibleByHeads()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, {|DDSL002:Heads = 3|})]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL003_NonPositiveValues()
    {
        Markup.Verify(Wrap("""
            [NoiseSchedule(ScheduleKind.Linear, {|DDSL003:Timesteps = 0|})]
            public partial class S;

            [DiffusionTransformer({|DDSL003:InputSize = -8|}, {|DDSL003:InChannels = 0|})]
            [Patchify({|DDSL003:PatchSize = 0|}, {|DDSL003:Width = -4|})]
            [TimestepEmbedding({|DDSL003:FrequencyDim = 0|})]
            [LabelEmbedding({|DDSL003:Classes = 0|})]
            [AdaLnZeroBlocks({|DDSL003:Depth = 0|}, {|DDSL003:Heads = -1|}, {|DDSL003:MlpRatio = 0|})]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL003_MissingRequiredValuePointsAtTheAttribute()
    {
        Markup.Verify(Wrap("""
            [{|DDSL003:DiffusionTransformer(InChannels = 1)|}]
            [Patchify(PatchSize = 2, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL003_HugeValuesAndUndefinedEnums()
    {
        Markup.Verify(Wrap("""
            [NoiseSchedule({|DDSL003:(ScheduleKind)7|}, {|DDSL003:Timesteps = int.MaxValue|})]
            public partial class S;

            [DiffusionTransformer({|DDSL003:InputSize = 1000000|}, InChannels = 1)]
            [Patchify(PatchSize = 2, {|DDSL003:Width = 2147483644|})]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL004_DropRateOutsideUnitInterval()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [LabelEmbedding(Classes = 10, {|DDSL004:DropRate = 1.0|})]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;

            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [LabelEmbedding(Classes = 10, {|DDSL004:DropRate = -0.5|})]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N2;
            """));
    }

    [Fact]
    public void DDSL005_GuidanceOnUnconditionalNetwork()
    {
        Markup.Verify(Wrap(Schedule + """
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class U;

            [DiffusionModel(typeof(S), typeof(U))]
            [Sampler(SamplerKind.Ddim)]
            [{|DDSL005:ClassifierFreeGuidance(Scale = 3)|}]
            public partial class D;
            """));
    }

    [Fact]
    public void DDSL006_ScheduleIsNotANoiseSchedule()
    {
        Markup.Verify(Wrap(GoodNetwork + """
            public class Plain;

            [DiffusionModel({|DDSL006:typeof(Plain)|}, typeof(N))]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;

            [DiffusionModel({|DDSL006:null!|}, typeof(N))]
            [Sampler(SamplerKind.Ddim)]
            public partial class D2;
            """).Replace("null!", "null"));
    }

    [Fact]
    public void DDSL007_NetworkIsNotADiffusionTransformer()
    {
        Markup.Verify(Wrap(Schedule + """
            [DiffusionModel(typeof(S), {|DDSL007:typeof(S)|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;
            """));
    }

    [Fact]
    public void DDSL008_PresetWithExplicitParts()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [DiTPreset(DiTSize.S)]
            [{|DDSL008:Patchify(PatchSize = 2, Width = 32)|}]
            [{|DDSL008:AdaLnZeroBlocks(Depth = 1, Heads = 2)|}]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL008_TwoDeclarationsOnOneClass()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [NoiseSchedule(ScheduleKind.Cosine)]
            [{|DDSL008:DiffusionTransformer(InputSize = 8, InChannels = 1)|}]
            [Patchify(PatchSize = 2, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class Both;
            """));
        Assert.Single(diagnostics);
    }

    [Fact]
    public void DDSL008_SamplerTwice()
    {
        Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Ddim), Sampler({|DDSL008:SamplerKind.Ddim|})]
            public partial class D;
            """));
    }

    [Fact]
    public void DDSL009_TypeShape()
    {
        Markup.Verify(Wrap("""
            [NoiseSchedule(ScheduleKind.Cosine)]
            public class {|DDSL009:NotPartial|};

            public partial class Outer
            {
                [NoiseSchedule(ScheduleKind.Cosine)]
                public partial class {|DDSL009:Nested|};
            }

            [NoiseSchedule(ScheduleKind.Cosine)]
            public partial class {|DDSL009:Generic|}<T>;

            [NoiseSchedule(ScheduleKind.Cosine)]
            public static partial class {|DDSL009:Static|};

            [NoiseSchedule(ScheduleKind.Cosine)]
            public partial record {|DDSL009:Record|};
            """));
    }

    [Fact]
    public void DDSL010_WidthNotDivisibleByFour()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, {|DDSL010:Width = 30|})]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL011_MissingParts()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class {|DDSL011:NoPatchify|};

            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            public partial class {|DDSL011:NoBlocks|};
            """));
    }

    [Fact]
    public void DDSL012_OddFrequencyDim()
    {
        Markup.Verify(Wrap("""
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [TimestepEmbedding({|DDSL012:FrequencyDim = 255|})]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;
            """));
    }

    [Fact]
    public void DDSL013_GuidanceWithZeroDropRateIsAWarningAndStillGenerates()
    {
        const string body = """
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 2, Width = 32)]
            [LabelEmbedding(Classes = 10, DropRate = 0)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class Z;

            [DiffusionModel(typeof(S), typeof(Z))]
            [Sampler(SamplerKind.Ddim)]
            [{|DDSL013:ClassifierFreeGuidance|}]
            public partial class D;
            """;
        var diagnostics = Markup.Verify(Wrap(Schedule + body));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostics.Single().Severity);
        Assert.Contains(RunPlain(Schedule + body).GeneratedTrees, t => t.FilePath.EndsWith("T.D.Samplers.g.cs"));
    }

    [Fact]
    public void DDSL014_NoSampler()
    {
        Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N))]
            public partial class {|DDSL014:D|};
            """));
    }

    [Fact]
    public void ModelOfABrokenNetworkGetsNoCodeAndNoExtraDiagnostic()
    {
        var body = Schedule + """
            [DiffusionTransformer(InputSize = 8, InChannels = 1)]
            [Patchify(PatchSize = 3, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class N;

            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;
            """;
        var result = RunPlain(body);
        Assert.Equal(new[] { "DDSL001" }, result.Diagnostics.Select(d => d.Id));
        Assert.Equal(new[] { "T.S.Schedule.g.cs" }, result.GeneratedTrees.Select(t => System.IO.Path.GetFileName(t.FilePath)));
    }

    private const string SigmaNetwork = """
        [DiffusionTransformer(InputSize = 8, InChannels = 1, LearnSigma = true)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class L;

        """;

    [Fact]
    public void DDSL015_LearnedVarianceOnANetworkWithoutSigma()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N), {|DDSL015:Variance = ReverseVariance.Learned|}, Objective = Objective.Hybrid)]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("add LearnSigma = true to [DiffusionTransformer] on 'N'", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL015_SigmaOutputWithAFixedVariance()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + SigmaNetwork + """
            [DiffusionModel(typeof(S), {|DDSL015:typeof(L)|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("'L' declares LearnSigma = true", diagnostics.Single().GetMessage());
        Assert.Empty(RunPlain(Schedule + SigmaNetwork + """
            [DiffusionModel(typeof(S), typeof(L))]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """).GeneratedTrees.Where(t => t.FilePath.Contains("T.D.")));
    }

    [Fact]
    public void DDSL016_LearnedVarianceWithTheSimpleObjective()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + SigmaNetwork + """
            [DiffusionModel(typeof(S), typeof(L), {|DDSL016:Variance = ReverseVariance.Learned|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("get no gradient", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL016_HybridObjectiveWithAFixedVariance()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N), {|DDSL016:Objective = Objective.Hybrid|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("trains nothing", diagnostics.Single().GetMessage());
    }

    [Theory]
    [InlineData("Noise", "TruncatedSnr", "max(SNR(t), 1) / SNR(t)")]
    [InlineData("Noise", "CleanSample", "1 / SNR(t)")]
    [InlineData("Noise", "Velocity", "(SNR(t) + 1) / SNR(t)")]
    [InlineData("Score", "CleanSample", "1 / (SNR(t) (SNR(t) + 1))")]
    [InlineData("Mean", "CleanSample", "1 / coef1_t^2")]
    [InlineData("Mean", "TruncatedSnr", "max(SNR(t), 1) / coef1_t^2")]
    public void DDSL017_WeightingUnboundedForThePrediction(string prediction, string weighting, string ratio)
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodNetwork + $$"""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.{{prediction}}, {|DDSL017:Weighting = LossWeighting.{{weighting}}|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("multiplies its squared error by " + ratio, diagnostics.Single().GetMessage());
    }

    [Theory]
    [InlineData("Velocity", "TruncatedSnr")]
    [InlineData("CleanSample", "TruncatedSnr")]
    [InlineData("Velocity", "CleanSample")]
    [InlineData("Noise", "MinSnr")]
    [InlineData("Score", "Noise")]
    [InlineData("Mean", "Noise")]
    [InlineData("Mean", "MinSnr")]
    public void BoundedWeightingsAreAccepted(string prediction, string weighting)
    {
        var result = RunPlain(Schedule + GoodNetwork + $$"""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.{{prediction}}, Weighting = LossWeighting.{{weighting}})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedTrees, t => t.FilePath.EndsWith("T.D.Loss.g.cs"));
    }

    [Theory]
    [InlineData("Noise")]
    [InlineData("Score")]
    public void DDSL018_NoisePredictionWithAZeroTerminalSnr(string prediction)
    {
        var diagnostics = Markup.Verify(Wrap($$"""
            [NoiseSchedule(ScheduleKind.ScaledLinear, ZeroTerminalSnr = true)]
            public partial class Z;

            """ + GoodNetwork + $$"""
            [DiffusionModel(typeof(Z), typeof(N), {|DDSL018:Predicts = Prediction.{{prediction}}|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;
            """));
        Assert.Contains("divides by sqrt(abar_T) = 0", diagnostics.Single().GetMessage());
    }

    /// <summary>
    /// The posterior mean stays defined at a zero terminal SNR: x0_hat divides by coef1_T, which is positive because
    /// abar_{T-1} is, and eps divides by sqrt(1 - abar_T) = 1.
    /// </summary>
    [Fact]
    public void MeanPredictionWithAZeroTerminalSnrIsAccepted()
    {
        var result = RunPlain("""
            [NoiseSchedule(ScheduleKind.ScaledLinear, ZeroTerminalSnr = true)]
            public partial class Z;

            """ + GoodNetwork + """
            [DiffusionModel(typeof(Z), typeof(N), Predicts = Prediction.Mean)]
            [Sampler(SamplerKind.Ddim)]
            public partial class D;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedTrees, t => t.FilePath.EndsWith("T.D.Parameterization.g.cs"));
    }

    [Fact]
    public void MinSnrGammaWithoutMinSnrWeightingConflicts()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N), {|DDSL008:MinSnrGamma = 3.0|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("set Weighting = LossWeighting.MinSnr", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void WeightingWithTheVariationalBoundConflicts()
    {
        var diagnostics = Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N), Objective = Objective.VariationalBound, {|DDSL008:Weighting = LossWeighting.MinSnr|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
        Assert.Contains("no squared error to weight", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void NonPositiveMinSnrGammaIsOutOfRange()
    {
        Markup.Verify(Wrap(Schedule + GoodNetwork + """
            [DiffusionModel(typeof(S), typeof(N), Weighting = LossWeighting.MinSnr, {|DDSL003:MinSnrGamma = 0.0|})]
            [Sampler(SamplerKind.Ddpm)]
            public partial class D;
            """));
    }

    [Fact]
    public void EveryDescriptorHasAStableIdAndCategory()
    {
        var descriptors = typeof(DiffusionGenerator).Assembly.GetType("Diffusion.Generators.Diagnostics.DiagnosticDescriptors")!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.Equal(51, descriptors.Count);
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(descriptors, d => Assert.Equal("Diffusion.Dsl", d.Category));
        Assert.All(descriptors, d => Assert.Matches("^DDSL(0(0[1-9]|1[0-9]|2[0-4]|3[0-5]|4[0-6]|5[0-9]|6[0-2])|999)$", d.Id));
    }
}
