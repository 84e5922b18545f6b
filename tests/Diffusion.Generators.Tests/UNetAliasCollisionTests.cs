using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The generated U-Net and encoder name TorchSharp and runtime types through aliases inside the user's namespace, as
/// the DiT does (<see cref="AliasCollisionTests"/>): names the declaration's namespace or class takes are written in
/// full, the others stay short, and a file declares only the aliases it uses.
/// </summary>
public class UNetAliasCollisionTests
{
    [Fact]
    public void User_types_and_members_named_like_the_aliases_still_compile_and_are_not_aliased()
    {
        const string source = """
            using Diffusion.Dsl;

            namespace Lab.Models
            {
                public sealed class Tensor { }
                public sealed class ResBlock { }
                public sealed class TimestepEmbedSequential { }
                public static class torch { }
                public enum Downsample { A }

                [NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
                public partial class Schedule;

                [UNet(InputSize = 8, InChannels = 1, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, ResBlocks = 1,
                      AttentionResolutions = new[] { 4 }, Heads = 2, NormGroups = 4)]
                [LabelEmbedding(Classes = 3)]
                public partial class Net
                {
                    /// <summary>Members named like aliases and the constructor's local: inside the class they would win.</summary>
                    public int Upsample => 3;

                    public int layers => 4;
                }

                [UNetEncoder(InputSize = 8, InChannels = 1, Outputs = 3, BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 },
                             ResBlocks = 1, Heads = 2, NormGroups = 4)]
                public partial class Encoder
                {
                    public static int PooledHead => 1;
                }

                [DiffusionModel(typeof(Schedule), typeof(Net))]
                [Sampler(SamplerKind.Ddim)]
                public partial class Model;

                [NoisyClassifier(typeof(Schedule), typeof(Encoder))]
                public partial class Classifier;
            }
            """;
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));

        var sources = result.Results.Single().GeneratedSources;
        var network = sources.Single(s => s.HintName == "Lab.Models.Net.Network.g.cs").SourceText.ToString();
        foreach (var taken in new[] { "Tensor", "TimestepEmbedSequential", "torch", "Downsample", "Upsample" })
        {
            Assert.DoesNotContain("using " + taken + " = ", network);
        }
        Assert.Contains("new global::Diffusion.Runtime.Networks.UNet.Upsample(16)", network);
        Assert.Contains("new global::Diffusion.Runtime.Networks.UNet.Downsample(8)", network);
        Assert.Contains("using UNetLayers = global::Diffusion.Runtime.Networks.UNet.UNetLayers;", network);

        var encoder = sources.Single(s => s.HintName == "Lab.Models.Encoder.Network.g.cs").SourceText.ToString();
        Assert.DoesNotContain("using PooledHead = ", encoder);
        Assert.Contains("new global::Diffusion.Runtime.Networks.UNet.PooledHead(16, Outputs, NormGroups)", encoder);
        Assert.DoesNotContain("using Upsample = ", encoder);    // an encoder has no up path
        Assert.DoesNotContain("using Embedding = ", encoder);   // nor labels
    }

    [Theory]
    [InlineData("Examples.Mnist.MnistUNet.Network.g.cs")]
    [InlineData("Examples.Mnist.MnistNoisyEncoder.Network.g.cs")]
    public void Without_collisions_every_line_is_within_120_columns_and_global_is_for_the_alias_targets(string hintName)
    {
        var (result, _) = GeneratorHarness.Run(Sources.Mnist, Sources.MnistUNet);
        var network = result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
        Assert.Contains("using Tensor = global::TorchSharp.torch.Tensor;", network);
        Assert.Contains("using TimestepEmbedSequential = global::Diffusion.Runtime.Networks.UNet.TimestepEmbedSequential;", network);
        var lines = network.Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 120, line));
        int aliases = lines.Count(line => line.StartsWith("using ", System.StringComparison.Ordinal));
        // The alias targets (one wrapped onto a line of its own), ChannelMultipliers' type, the label checks' exceptions.
        Assert.True(lines.Count(line => line.Contains("global::")) <= aliases + 4, "global:: is for the alias targets");
    }
}
