using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The generated DiT names TorchSharp and runtime types through aliases declared inside the user's namespace. A user
/// type of the same name there would clash with an alias (CS0576), and a member of the declared class would win over
/// it, so those names are written in full; the others stay short.
/// </summary>
public class AliasCollisionTests
{
    [Fact]
    public void User_types_named_like_the_aliases_still_compile_and_are_not_aliased()
    {
        const string source = """
            using Diffusion.Dsl;

            namespace Lab.Models
            {
                public sealed class Tensor { }
                public sealed class Linear { }
                public sealed class DiTBlock { }
                public static class torch { }
                public enum PatchEmbed { A }

                [NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
                public partial class Schedule;

                [DiffusionTransformer(InputSize = 8, InChannels = 3)]
                [Patchify(PatchSize = 2, Width = 32)]
                [LabelEmbedding(Classes = 3, DropRate = 0.2)]
                [AdaLnZeroBlocks(Depth = 2, Heads = 4)]
                public partial class Net
                {
                    /// <summary>A member named like an alias: inside the class it would win over the alias.</summary>
                    public int Patches => 3;
                }

                [DiffusionModel(typeof(Schedule), typeof(Net))]
                [Sampler(SamplerKind.Ddim)]
                public partial class Model;
            }
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));

        var network = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Lab.Models.Net.Network.g.cs").SourceText.ToString();
        foreach (var taken in new[] { "Tensor", "Linear", "DiTBlock", "torch", "PatchEmbed", "Patches" })
        {
            Assert.DoesNotContain("using " + taken + " = ", network);
        }
        Assert.Contains("public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor x,", network);
        Assert.Contains("global::Diffusion.Runtime.Networks.Patches.Unpatchify(", network);
        Assert.Contains("using FinalLayer = global::Diffusion.Runtime.Networks.FinalLayer;", network);
        Assert.Contains("private readonly FinalLayer final_layer;", network);
    }

    [Fact]
    public void Without_collisions_every_alias_is_declared_and_no_line_passes_120_columns()
    {
        var (result, _) = GeneratorHarness.Run(Sources.Mnist);
        var network = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Examples.Mnist.MnistDit.Network.g.cs").SourceText.ToString();
        Assert.Contains("using Tensor = global::TorchSharp.torch.Tensor;", network);
        Assert.Contains("using DiTBlock = global::Diffusion.Runtime.Networks.DiTBlock;", network);
        var lines = network.Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 120, line));
        Assert.True(lines.Count(line => line.Contains("global::")) <= 16, "global:: is for the alias targets");
    }

    [Fact]
    public void The_mnist_samplers_use_the_model_aliases()
    {
        var (result, _) = GeneratorHarness.Run(Sources.Mnist);
        var samplers = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Examples.Mnist.MnistDiffusion.Samplers.g.cs").SourceText.ToString();
        Assert.Contains("using SampleRequest = global::Diffusion.Runtime.Models.SampleRequest;", samplers);
        Assert.Contains("public Tensor SampleDdim(", samplers);
    }

    /// <summary>The MNIST example's files but the U-Net's, the encoder's and the classifier's (another change reads those).</summary>
    public static TheoryData<string> MnistFiles() => new()
    {
        "Examples.Mnist.MnistDiffusion.Model.g.cs",
        "Examples.Mnist.MnistDiffusion.Parameterization.g.cs",
        "Examples.Mnist.MnistDiffusion.Loss.g.cs",
        "Examples.Mnist.MnistDiffusion.VariationalBound.g.cs",
        "Examples.Mnist.MnistDiffusion.Samplers.g.cs",
        "Examples.Mnist.MnistSchedule.Schedule.g.cs",
        "Examples.Mnist.MnistUNetDiffusion.Model.g.cs",
        "Examples.Mnist.MnistUNetDiffusion.Parameterization.g.cs",
        "Examples.Mnist.MnistUNetDiffusion.Loss.g.cs",
        "Examples.Mnist.MnistUNetDiffusion.VariationalBound.g.cs",
        "Examples.Mnist.MnistUNetDiffusion.Samplers.g.cs",
    };

    [Theory]
    [MemberData(nameof(MnistFiles))]
    public void Mnist_files_stay_within_120_columns_with_global_only_in_alias_targets(string hintName)
    {
        var (result, _) = GeneratorHarness.Run(Sources.Mnist, Sources.MnistUNet);
        var file = result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
        var lines = file.Split('\n');
        Assert.True(lines.Length > 10, "the file is there");
        Assert.All(lines, line => Assert.True(line.Length <= 120, line));
        Assert.All(lines.Where(line => line.Contains("global::")), line =>
            Assert.True(line.StartsWith("using ") || line.TrimStart().StartsWith("[global::System.CodeDom.Compiler.GeneratedCode("), line));
    }

    [Fact]
    public void A_model_whose_namespace_takes_alias_names_writes_them_in_full()
    {
        var (result, output) = GeneratorHarness.Run("""
            using Diffusion.Dsl;

            namespace Lab.Shadows
            {
                public sealed class Tensor { }
                public sealed class SampleRequest { }
                public static class torch { }

                [NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
                public partial class Schedule;

                [DiffusionTransformer(InputSize = 8, InChannels = 3, LearnSigma = true)]
                [Patchify(PatchSize = 2, Width = 32)]
                [LabelEmbedding(Classes = 3, DropRate = 0.2)]
                [AdaLnZeroBlocks(Depth = 2, Heads = 4)]
                public partial class Net;

                [DiffusionModel(typeof(Schedule), typeof(Net), Predicts = Prediction.Velocity, Variance = ReverseVariance.Learned,
                    Objective = Objective.Hybrid)]
                [Sampler(SamplerKind.Ddpm), Sampler(SamplerKind.Ddim)]
                [ClassifierFreeGuidance(Scale = 2.0)]
                public partial class Model
                {
                    /// <summary>A member named like an alias: inside the class it would win over the alias.</summary>
                    public int Math => 3;
                }
            }
            """);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        var samplers = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Lab.Shadows.Model.Samplers.g.cs").SourceText.ToString();
        foreach (var taken in new[] { "Tensor", "SampleRequest", "torch", "Math" }) Assert.DoesNotContain("using " + taken + " = ", samplers);
        Assert.Contains("global::Diffusion.Runtime.Models.SampleRequest request", samplers);
        Assert.Contains("global::System.Math.Sqrt(", samplers);
        Assert.Contains("global::Lab.Shadows.Schedule.Timesteps", samplers);
        Assert.Contains("using Generator = global::TorchSharp.torch.Generator;", samplers);
    }
}
