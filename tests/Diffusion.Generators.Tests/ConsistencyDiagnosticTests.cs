using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>The diagnostics of [ConsistencyModel] (DDSL040 to DDSL045), each with its exact span, and no code for the model.</summary>
public class ConsistencyDiagnosticTests
{
    private const string Declarations = """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Cosine)]
        public partial class S;

        [NoiseSchedule(ScheduleKind.Linear)]
        public partial class Other;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        [DiffusionModel(typeof(S), typeof(N))]
        [Sampler(SamplerKind.Ddim)]
        public partial class Teacher;

        [DiffusionModel(typeof(S), typeof(N))]
        [Sampler(SamplerKind.Ddpm)]
        public partial class StochasticTeacher;

        [DiffusionModel(typeof(Other), typeof(N))]
        [Sampler(SamplerKind.Ddim)]
        public partial class OtherTeacher;

        [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Mean)]
        [Sampler(SamplerKind.Ddim)]
        public partial class MeanTeacher;

        public class Plain;


        """;

    private static void VerifyStudent(string attributes, string expectedMessagePart)
    {
        var diagnostics = Markup.Verify(Declarations + attributes + "\npublic partial class D;\n");
        Assert.Contains(expectedMessagePart, diagnostics.Single().GetMessage());
        var (result, _) = GeneratorHarness.Run(Markup.Parse(Declarations + attributes + "\npublic partial class D;\n").Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T.D."));
    }

    [Fact]
    public void DDSL040_InvertedRangePointsAtSigmaMax()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel(SigmaMin = 1.0, {|DDSL040:SigmaMax = 0.5|})]
            """, "SigmaMin = 1 and SigmaMax = 0.5 leave no noise range");
    }

    [Fact]
    public void DDSL040_NonPositiveMinimumPointsAtSigmaMin()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL040:SigmaMin = 0.0|}, SigmaMax = 80)]
            """, "SigmaMin = 0 and SigmaMax = 80 leave no noise range");
    }

    [Fact]
    public void DDSL040_MinimumAboveTheDefaultMaximumPointsAtSigmaMin()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL040:SigmaMin = 100.0|})]
            """, "SigmaMin = 100 and SigmaMax = 80 leave no noise range");
    }

    [Fact]
    public void DDSL041_SigmaDataNotPositive()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL041:SigmaData = -0.5|})]
            """, "SigmaData = -0.5 must be a finite number above 0");
    }

    [Fact]
    public void DDSL041_RhoNotPositive()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL041:Rho = 0.0|})]
            """, "Rho = 0 must be a finite number above 0");
    }

    [Fact]
    public void DDSL042_TeacherIsNotADiffusionModel()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL042:Teacher = typeof(Plain)|})]
            """, "Teacher 'T.Plain' is not a [DiffusionModel] class");
    }

    [Fact]
    public void DDSL043_TeacherWithoutDdim()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL043:Teacher = typeof(StochasticTeacher)|})]
            """, "Teacher 'StochasticTeacher' declares no [Sampler(SamplerKind.Ddim)]");
    }

    [Fact]
    public void DDSL044_TeacherWithAnotherSchedule()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL044:Teacher = typeof(OtherTeacher)|})]
            """, "Teacher 'OtherTeacher' has the schedule 'Other' but this model has 'S'");
    }

    private const string LatentDeclarations = """
        [Autoencoder(InputSize = 8, InChannels = 1, DownsamplingFactor = 2, LatentChannels = 4, BaseChannels = 8,
                     ChannelMultipliers = new[] { 1, 1 }, ResBlocks = 1, NormGroups = 4)]
        public partial class AE;

        [Autoencoder(InputSize = 8, InChannels = 1, DownsamplingFactor = 2, LatentChannels = 4, BaseChannels = 16,
                     ChannelMultipliers = new[] { 1, 1 }, ResBlocks = 1, NormGroups = 4)]
        public partial class OtherAE;

        [DiffusionTransformer(InputSize = 4, InChannels = 4)]
        [Patchify(PatchSize = 1, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class LN;

        [DiffusionModel(typeof(S), typeof(LN))]
        [LatentDiffusion(typeof(AE))]
        [Sampler(SamplerKind.Ddim)]
        public partial class LatentTeacher;


        """;

    [Fact]
    public void DDSL044_LatentStudentWithAnotherAutoencoder()
    {
        VerifyStudent(LatentDeclarations + """
            [DiffusionModel(typeof(S), typeof(LN))]
            [LatentDiffusion(typeof(OtherAE))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL044:Teacher = typeof(LatentTeacher)|})]
            """, "Teacher 'LatentTeacher' has the autoencoder 'AE' but this model has 'OtherAE'");
    }

    [Fact]
    public void DDSL044_PixelStudentOfALatentTeachersNetwork()
    {
        // Same schedule and network type, but the teacher diffuses latents and the student pixels of the latent's shape.
        VerifyStudent(LatentDeclarations + """
            [DiffusionModel(typeof(S), typeof(LN))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL044:Teacher = typeof(LatentTeacher)|})]
            """, "Teacher 'LatentTeacher' has the autoencoder 'AE' but this model has 'none (pixels)'");
    }

    [Fact]
    public void ALatentStudentOfItsLatentTeacherCompiles()
    {
        var source = Declarations + LatentDeclarations + """
            [DiffusionModel(typeof(S), typeof(LN), Predicts = Prediction.Velocity)]
            [LatentDiffusion(typeof(AE))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel(SigmaMin = 0.0064, SigmaData = 1.0, Teacher = typeof(LatentTeacher))]
            public partial class D;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "T.D.Latent.g.cs");
    }

    [Fact]
    public void DDSL045_ConsistencySamplerWithoutConsistencyModel()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler({|DDSL045:SamplerKind.Consistency|})]
            """, "[Sampler(SamplerKind.Consistency)] needs [ConsistencyModel] on 'D'");
    }

    [Fact]
    public void AGoodStudentOfAGoodTeacherCompiles()
    {
        var source = Declarations + """
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel(SigmaMin = 0.0064, Teacher = typeof(Teacher))]
            public partial class D;
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "T.D.Consistency.g.cs");
    }

    [Fact]
    public void DDSL046_APosteriorMeanModelPointsAtPredicts()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N), {|DDSL046:Predicts = Prediction.Mean|})]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel]
            """, "D predicts Prediction.Mean");
    }

    [Fact]
    public void DDSL046_APosteriorMeanTeacherPointsAtTeacher()
    {
        VerifyStudent("""
            [DiffusionModel(typeof(S), typeof(N))]
            [Sampler(SamplerKind.Consistency)]
            [ConsistencyModel({|DDSL046:Teacher = typeof(MeanTeacher)|})]
            """, "The teacher MeanTeacher predicts Prediction.Mean");
    }
}
