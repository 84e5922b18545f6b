using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// [ProgressiveDistillation]'s diagnostics (DDSL030-035), each with its exact span and message, and the guidance the
/// student's declaration resolves to.
/// </summary>
public class DistillationDiagnosticTests
{
    private const string Parts = """
        [NoiseSchedule(ScheduleKind.Cosine)]
        public partial class S;

        [NoiseSchedule(ScheduleKind.Linear)]
        public partial class OtherSchedule;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [LabelEmbedding(Classes = 10, DropRate = 0.1)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class U;

        [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddim)]
        [ClassifierFreeGuidance(Scale = 3)]
        public partial class Teacher;

        [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddim)]
        public partial class PlainTeacher;

        [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddpm)]
        public partial class DdpmTeacher;

        [DiffusionModel(typeof(S), typeof(U), Predicts = Prediction.Velocity)]
        [Sampler(SamplerKind.Ddim)]
        public partial class UnlabelledTeacher;

        """;

    private static string Wrap(string body) => "using Diffusion.Dsl;\n\nnamespace T;\n\n" + Parts + body;

    [Fact]
    public void DDSL008_AProgressiveStudentOnLatentsIsRefused()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [Autoencoder(InputSize = 8, InChannels = 1, DownsamplingFactor = 2, LatentChannels = 4, BaseChannels = 8,
                         ChannelMultipliers = new[] { 1, 1 }, ResBlocks = 1, NormGroups = 4)]
            public partial class AE;

            [DiffusionTransformer(InputSize = 4, InChannels = 4)]
            [Patchify(PatchSize = 1, Width = 32)]
            [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
            public partial class LN;

            [DiffusionModel(typeof(S), typeof(LN))]
            [LatentDiffusion(typeof(AE))]
            [Sampler(SamplerKind.Ddim)]
            public partial class LatentTeacher;

            [DiffusionModel(typeof(S), typeof(LN), Predicts = Prediction.Velocity)]
            [LatentDiffusion(typeof(AE))]
            [Sampler(SamplerKind.Ddim)]
            [{|DDSL008:ProgressiveDistillation(typeof(LatentTeacher))|}]
            public partial class Student;
            """));
        Assert.StartsWith("[ProgressiveDistillation] conflicts with [LatentDiffusion]", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL030_TeacherIsNotADeclaredDiffusionModel()
    {
        var diagnostics = Markup.Verify(Wrap("""
            public class Plain;

            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation({|DDSL030:typeof(Plain)|})]
            public partial class Student;

            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation({|DDSL030:typeof(Itself)|})]
            public partial class Itself;
            """));
        Assert.Contains("'T.Plain' is not a [DiffusionModel] class", diagnostics[0].GetMessage());
        Assert.Contains("'T.Itself' is the student itself", diagnostics[1].GetMessage());
    }

    [Fact]
    public void DDSL031_TeacherWithoutDdim()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation({|DDSL031:typeof(DdpmTeacher)|})]
            public partial class Student;
            """));
        Assert.Contains("'DdpmTeacher' declares no [Sampler(SamplerKind.Ddim)]", diagnostics.Single().GetMessage());
    }

    [Fact]
    public void DDSL032_StudentPredictsNoiseOrScore()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [{|DDSL032:DiffusionModel(typeof(S), typeof(N))|}]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher))]
            public partial class NoiseStudent;

            [DiffusionModel(typeof(S), typeof(N), {|DDSL032:Predicts = Prediction.Score|})]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher))]
            public partial class ScoreStudent;
            """));
        Assert.Contains("predicting Prediction.Noise", diagnostics[0].GetMessage());
        Assert.Contains("amplifies the prediction's errors by 1 / alpha", diagnostics[0].GetMessage());
        Assert.Contains("predicting Prediction.Score", diagnostics[1].GetMessage());
    }

    [Fact]
    public void DDSL033_ScheduleOrNetworkDiffersFromTheTeacher()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [DiffusionModel({|DDSL033:typeof(OtherSchedule)|}, typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher))]
            public partial class OtherScheduleStudent;

            [DiffusionModel(typeof(S), {|DDSL033:typeof(U)|}, Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher))]
            public partial class OtherNetworkStudent;
            """));
        Assert.Contains("The student's schedule is 'OtherSchedule' but the teacher 'PlainTeacher' has 'S'", diagnostics[0].GetMessage());
        Assert.Contains("The student's network is 'U' but the teacher 'PlainTeacher' has 'N'", diagnostics[1].GetMessage());
        Assert.Contains("copy of the teacher's weights", diagnostics[1].GetMessage());
    }

    [Fact]
    public void DDSL034_GuidanceOnATeacherWithoutGuidanceOrLabels()
    {
        var diagnostics = Markup.Verify(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher), {|DDSL034:Guidance = 4.0|})]
            public partial class Student;

            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(PlainTeacher), {|DDSL034:Guidance = 0|})]
            public partial class NullLabelStudent;
            """));
        Assert.Contains("'PlainTeacher' declares no [ClassifierFreeGuidance]", diagnostics[0].GetMessage());
        Assert.Contains("set Guidance = 1", diagnostics[0].GetMessage());
    }

    [Fact]
    public void DDSL035_StudentWithoutDdim()
    {
        Markup.Verify(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddpm)]
            [{|DDSL035:ProgressiveDistillation(typeof(PlainTeacher))|}]
            public partial class Student;
            """));
    }

    [Fact]
    public void GuidanceOutOfRangeIsDDSL003()
    {
        Markup.Verify(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(Teacher), {|DDSL003:Guidance = -1|})]
            public partial class Student;
            """));
    }

    /// <summary>Not set, the guidance is the teacher's declared scale, else 1; set, it wins; 0 and 1 take one pass.</summary>
    [Theory]
    [InlineData("typeof(Teacher)", "TeacherGuidanceScale = 3.0;", true)]
    [InlineData("typeof(PlainTeacher)", "TeacherGuidanceScale = 1.0;", false)]
    [InlineData("typeof(Teacher), Guidance = 2.5", "TeacherGuidanceScale = 2.5;", true)]
    [InlineData("typeof(Teacher), Guidance = 1", "TeacherGuidanceScale = 1.0;", false)]
    [InlineData("typeof(Teacher), Guidance = 0", "TeacherGuidanceScale = 0.0;", false)]
    [InlineData("typeof(PlainTeacher), Guidance = 1", "TeacherGuidanceScale = 1.0;", false)]
    public void GuidanceResolvesFromTheAttributeThenTheTeacher(string arguments, string constant, bool bakedIn)
    {
        var (result, output) = GeneratorHarness.Run(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(ARGUMENTS)]
            public partial class Student;
            """.Replace("ARGUMENTS", arguments)));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToList();
        var distillation = sources.Single(s => s.HintName == "T.Student.Distillation.g.cs").SourceText.ToString();
        var model = sources.Single(s => s.HintName == "T.Student.Model.g.cs").SourceText.ToString();
        Assert.Contains("public const double " + constant, distillation);
        Assert.Equal(bakedIn, model.Contains("public double? ClassifierFreeGuidanceScale => 1.0;"));
        Assert.Equal(!bakedIn, model.Contains("public double? ClassifierFreeGuidanceScale => null;"));
    }

    [Fact]
    public void OnlyAStudentsSamplerVisitsTheTrailingGrid()
    {
        var (result, _) = GeneratorHarness.Run(Wrap("""
            [DiffusionModel(typeof(S), typeof(N), Predicts = Prediction.Velocity)]
            [Sampler(SamplerKind.Ddim)]
            [ProgressiveDistillation(typeof(Teacher))]
            public partial class Student;
            """));
        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Contains("DistillationGrid.SamplerSteps(S.Timesteps, request.Steps)", sources["T.Student.Samplers.g.cs"]);
        Assert.DoesNotContain("SamplingSteps.Ascending", sources["T.Student.Samplers.g.cs"]);
        Assert.Contains("SamplingSteps.Ascending(S.Timesteps, request.Steps, request.Spacing)", sources["T.Teacher.Samplers.g.cs"]);
        Assert.DoesNotContain("T.Teacher.Distillation.g.cs", sources.Keys);
    }
}
