using System;
using System.Linq;
using Diffusion.Dsl;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The generator's sampler table (SamplerTable), seen from outside: every <see cref="SamplerKind"/> member a user can
/// declare is emitted and compiles. A member added to the enum without its emitter row fails here, and a kind the
/// table does not hold is a DDSL003 diagnostic on the [Sampler], not an exception in the generator.
/// </summary>
public class SamplerTableTests
{
    private static string Declaring(string kind) => """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 50)]
        public partial class S;

        [DiffusionTransformer(InputSize = 8, InChannels = 1)]
        [Patchify(PatchSize = 2, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        [DiffusionModel(typeof(S), typeof(N))]
        [Sampler(
        """ + kind + """
        )]
        """ + (kind == "SamplerKind." + SamplerKind.Consistency ? "[ConsistencyModel]\n" : "") + """
        public partial class D;
        """;

    public static TheoryData<SamplerKind> Kinds()
    {
        var kinds = new TheoryData<SamplerKind>();
        foreach (var kind in Enum.GetValues<SamplerKind>()) kinds.Add(kind);
        return kinds;
    }

    [Fact]
    public void The_enum_has_the_samplers_the_tests_below_walk()
    {
        // Guards the theory below against a reflection that finds nothing.
        Assert.Contains(SamplerKind.Ddpm, Enum.GetValues<SamplerKind>());
        Assert.Contains(SamplerKind.Ddim, Enum.GetValues<SamplerKind>());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_sampler_kind_is_emitted_and_compiles(SamplerKind kind)
    {
        var (result, output) = GeneratorHarness.Run(Declaring("SamplerKind." + kind));
        Assert.Empty(result.Diagnostics);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        var samplers = result.Results.Single().GeneratedSources.Single(s => s.HintName == "T.D.Samplers.g.cs").SourceText.ToString();
        Assert.Contains("public Tensor Sample" + kind + "(", samplers);
    }

    [Fact]
    public void A_kind_without_a_row_is_a_diagnostic_naming_the_kinds_there_are()
    {
        int missing = Enum.GetValues<SamplerKind>().Max(k => (int)k) + 1;
        var (result, _) = GeneratorHarness.Run(Declaring("(SamplerKind)" + missing));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("DDSL003", diagnostic.Id);
        Assert.Contains("Kind = " + missing + " is out of range; use SamplerKind.Ddpm or SamplerKind.Ddim", diagnostic.GetMessage());
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName == "T.D.Samplers.g.cs");
    }
}
