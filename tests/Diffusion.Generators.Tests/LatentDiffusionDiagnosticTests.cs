using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The diagnostics of [LatentDiffusion] (DDSL054, DDSL055), each with its exact span, no code for a model that reports
/// one, and a valid declaration's seven files.
/// </summary>
public class LatentDiffusionDiagnosticTests
{
    private const string Head = """
        using Diffusion.Dsl;

        namespace T;

        [NoiseSchedule(ScheduleKind.Linear, Timesteps = 100)]
        public partial class S;

        [Autoencoder(InputSize = 16, InChannels = 3, DownsamplingFactor = 4, LatentChannels = 3, BaseChannels = 16,
                     ChannelMultipliers = new[] { 1, 1, 2 }, NormGroups = 8)]
        public partial class A;

        """;

    private static string Dit(int size, int channels) => $$"""
        [DiffusionTransformer(InputSize = {{size}}, InChannels = {{channels}})]
        [Patchify(PatchSize = 1, Width = 32)]
        [AdaLnZeroBlocks(Depth = 1, Heads = 2)]
        public partial class N;

        """;

    /// <summary>Checks the marked diagnostics, that the message holds <paramref name="part"/>, and that L got no code.</summary>
    private static void Verify(string source, string part)
    {
        var diagnostics = Markup.Verify(source);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(part));
        var (result, _) = GeneratorHarness.Run(Markup.Parse(source).Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T.L."));
    }

    [Fact]
    public void AValidDeclarationReportsNothingAndGetsItsLatentFile()
    {
        var (result, output) = GeneratorHarness.Run(Head + Dit(4, 3) + """
            [DiffusionModel(typeof(S), typeof(N))]
            [LatentDiffusion(typeof(A), Encoding = LatentEncoding.Mean)]
            [Sampler(SamplerKind.Ddim)]
            public partial class L;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).Where(h => h.StartsWith("T.L.")).ToArray();
        Assert.Contains("T.L.Latent.g.cs", hints);
        Assert.Equal(6, hints.Length);
        var latent = result.Results.Single().GeneratedSources.Single(s => s.HintName == "T.L.Latent.g.cs").SourceText.ToString();
        Assert.Contains("var z = posterior.Mean;", latent);
    }

    [Fact]
    public void DDSL054_ANetworkInsteadOfAnAutoencoderPointsAtTheType()
    {
        Verify(Head + Dit(4, 3) + """
            [DiffusionModel(typeof(S), typeof(N))]
            [LatentDiffusion({|DDSL054:typeof(N)|})]
            [Sampler(SamplerKind.Ddim)]
            public partial class L;
            """, "'T.N' is not an [Autoencoder] class; [LatentDiffusion] takes typeof an [Autoencoder] class");
    }

    [Fact]
    public void DDSL055_ANetworkAtTheImageSizePointsAtTheNetworkArgument()
    {
        Verify(Head + Dit(16, 3) + """
            [DiffusionModel(typeof(S), {|DDSL055:typeof(N)|})]
            [LatentDiffusion(typeof(A))]
            [Sampler(SamplerKind.Ddim)]
            public partial class L;
            """, "'N' takes 16 x 16 x 3 inputs, but the latent of 'A' is 4 x 4 x 3 (InputSize 16 / DownsamplingFactor 4, LatentChannels 3); "
                + "declare the network with InputSize = 4 and InChannels = 3");
    }

    [Fact]
    public void DDSL055_ANetworkWithTheWrongChannelsIsReportedToo()
    {
        Verify(Head + Dit(4, 4) + """
            [DiffusionModel(typeof(S), {|DDSL055:typeof(N)|})]
            [LatentDiffusion(typeof(A))]
            [Sampler(SamplerKind.Ddim)]
            public partial class L;
            """, "'N' takes 4 x 4 x 4 inputs, but the latent of 'A' is 4 x 4 x 3");
    }

    [Fact]
    public void AnAutoencoderWithErrorsIsReportedByItsOwnDeclarationOnly()
    {
        var source = Head.Replace("DownsamplingFactor = 4", "{|DDSL050:DownsamplingFactor = 3|}")
            + Dit(4, 3) + """
            [DiffusionModel(typeof(S), typeof(N))]
            [LatentDiffusion(typeof(A))]
            [Sampler(SamplerKind.Ddim)]
            public partial class L;
            """;
        var diagnostics = Markup.Verify(source);
        Assert.All(diagnostics, d => Assert.Equal("DDSL050", d.Id));
    }
}
