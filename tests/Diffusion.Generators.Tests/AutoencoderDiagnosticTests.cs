using System.Linq;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// The diagnostics of [Autoencoder] (DDSL050 to DDSL053, and the shared DDSL003, DDSL008 and DDSL021), each with its
/// exact span, and no code for a declaration that reports one.
/// </summary>
public class AutoencoderDiagnosticTests
{
    private const string Head = "using Diffusion.Dsl;\n\nnamespace T;\n\n";

    /// <summary>Checks the marked diagnostics, that the message holds <paramref name="part"/>, and that A got no code.</summary>
    private static void Verify(string attribute, string part)
    {
        var markup = Head + attribute + "\npublic partial class A;\n";
        var diagnostics = Markup.Verify(markup);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains(part));
        var (result, _) = GeneratorHarness.Run(Markup.Parse(markup).Source);
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName.StartsWith("T.A.") || s.HintName.StartsWith("DeclaredModels"));
    }

    [Fact]
    public void AValidDeclarationReportsNothingAndGetsItsFourFiles()
    {
        var (result, output) = GeneratorHarness.Run(Head + "[Autoencoder(InputSize = 16, InChannels = 3, DownsamplingFactor = 8, "
            + "ChannelMultipliers = new[] { 1, 1, 2, 2 }, BaseChannels = 16, NormGroups = 8)]\npublic partial class A;\n");
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.Equal(new[] { "T.A.Autoencoder.g.cs", "T.A.Decoder.g.cs", "T.A.Encoder.g.cs", "T.A.Loss.g.cs" },
            result.Results.Single().GeneratedSources.Select(s => s.HintName).Where(h => h.StartsWith("T.A.")).OrderBy(h => h, System.StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(3, "use 2")]
    [InlineData(6, "use 4")]
    [InlineData(0, "use 1")]
    [InlineData(-8, "use 1")]
    [InlineData(4096, "use 2048")]
    public void DDSL050_FactorNotAPowerOfTwoPointsAtIt(int factor, string suggestion)
    {
        Verify("[Autoencoder(InputSize = 32, InChannels = 1, {|DDSL050:DownsamplingFactor = " + factor + "|})]",
            "DownsamplingFactor = " + factor + " is not a power of two; each of the autoencoder's downsamplings halves the resolution, so f = 2^(levels - 1): " + suggestion);
    }

    [Fact]
    public void DDSL051_InputNotDivisibleByFactorPointsAtInputSize()
    {
        Verify("[Autoencoder({|DDSL051:InputSize = 30|}, InChannels = 1, DownsamplingFactor = 4)]",
            "InputSize = 30 is not divisible by DownsamplingFactor = 4, so the 4x smaller latent has no whole size; use an input size divisible by 4 (such as 32)");
    }

    [Fact]
    public void DDSL052_MultipliersNotMatchingFactorPointAtTheMultipliers()
    {
        Verify("[Autoencoder(InputSize = 28, InChannels = 1, DownsamplingFactor = 2, {|DDSL052:ChannelMultipliers = new[] { 1, 2, 2 }|})]",
            "ChannelMultipliers has 3 entries, but DownsamplingFactor = 2 takes log2 f + 1 = 2 levels (one per resolution, 28x28, 14x14); give 2 multipliers");
    }

    [Fact]
    public void DDSL052_TheDefaultMultipliersDoNotFitAnotherFactorAndPointAtTheAttribute()
    {
        // Without ChannelMultipliers written, the span is the attribute (NamedLocation's fallback).
        Verify("[{|DDSL052:Autoencoder(InputSize = 32, InChannels = 1, DownsamplingFactor = 8)|}]", "ChannelMultipliers has 3 entries, but DownsamplingFactor = 8 takes log2 f + 1 = 4 levels");
    }

    [Theory]
    [InlineData("-1E-06", "-1e-6")]
    [InlineData("-Infinity", "double.NegativeInfinity")]
    [InlineData("Infinity", "double.PositiveInfinity")]
    [InlineData("NaN", "double.NaN")]
    public void DDSL053_KlWeightNegativeOrNotFinitePointsAtIt(string shown, string written)
    {
        Verify("[Autoencoder(InputSize = 28, InChannels = 1, {|DDSL053:KlWeight = " + written + "|})]", "KlWeight = " + shown + " must be a finite number of at least 0");
    }

    [Fact]
    public void ZeroKlWeightIsAPlainAutoencoderAndAccepted()
    {
        var (result, _) = GeneratorHarness.Run(Head + "[Autoencoder(InputSize = 28, InChannels = 1, KlWeight = 0, NormGroups = 8)]\npublic partial class A;\n");
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void DDSL003_NonPositiveSizesAndChannelsPointAtEach()
    {
        Verify("[Autoencoder({|DDSL003:InputSize = 0|}, {|DDSL003:InChannels = -1|}, {|DDSL003:LatentChannels = 0|}, {|DDSL003:BaseChannels = 0|}, "
            + "{|DDSL003:ResBlocks = 0|}, {|DDSL003:NormGroups = 0|}, {|DDSL003:ChannelMultipliers = new[] { 1, 0, 2 }|})]", "LatentChannels = 0 is out of range");
    }

    [Fact]
    public void DDSL021_GroupsNotDividingALevelPointAtNormGroups()
    {
        Verify("[Autoencoder(InputSize = 28, InChannels = 1, BaseChannels = 24, {|DDSL021:NormGroups = 16|})]",
            "Level 0 has 24 channels (BaseChannels 24 x multiplier 1), not divisible by NormGroups = 16; choose NormGroups dividing every level's channels (for example 12)");
    }

    [Fact]
    public void DDSL008_AnAutoencoderIsNotAlsoANetwork()
    {
        Verify("[UNet(InputSize = 28, InChannels = 1)]\n[{|DDSL008:Autoencoder(InputSize = 28, InChannels = 1)|}]",
            "[Autoencoder] conflicts with [UNet] on 'A'");
    }
}
