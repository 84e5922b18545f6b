using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diffusion.Generators.Parsing;

/// <summary>
/// [Autoencoder] to an <see cref="AutoencoderSpec"/>: the ranges (DDSL003), the pyramid against the downsampling factor
/// (DDSL050 to DDSL052), the GroupNorm groups (DDSL021) and the KL weight (DDSL053).
/// </summary>
internal static class AutoencoderParser
{
    // The U-Net's bounds, which keep every derived constant (channels x multiplier, 2 x latent channels, 3 x channels)
    // inside int.
    private const int MaxInputSize = UNetShapeParser.MaxInputSize;
    private const int MaxChannels = UNetShapeParser.MaxChannels;
    private const int MaxBaseChannels = UNetShapeParser.MaxBaseChannels;
    private const int MaxMultiplier = UNetShapeParser.MaxMultiplier;
    private const int MaxLevels = UNetShapeParser.MaxLevels;
    private const int MaxResBlocks = UNetShapeParser.MaxResBlocks;

    public static DeclarationResult<AutoencoderSpec> Parse(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var declarations = DeclarationChecks.Find(symbol, AttributeNames.Autoencoder);
        if (declarations.Count != 1) return DeclarationResult<AutoencoderSpec>.Nothing;
        var view = new AttributeView(declarations[0], cancellationToken);
        if (view.HasErrors) return DeclarationResult<AutoencoderSpec>.Nothing;

        var diagnostics = new List<DiagnosticInfo>();
        bool conflict = DeclarationChecks.CheckDeclarationConflict(symbol, AttributeNames.Autoencoder, diagnostics, cancellationToken);
        DeclarationChecks.CheckShape(symbol, view, diagnostics, cancellationToken);
        DeclarationChecks.CheckNoTransformerParts(symbol, AttributeNames.Autoencoder, diagnostics, cancellationToken);

        int inputSize = view.Int("InputSize", 0);
        bool inputValid = InRange(diagnostics, view, "InputSize", inputSize, MaxInputSize, "the image height and width in pixels, such as 28 or 32");
        int inChannels = view.Int("InChannels", 0);
        InRange(diagnostics, view, "InChannels", inChannels, MaxChannels, "the image channels, such as 1 or 3");
        int latentChannels = view.Int("LatentChannels", 4);
        InRange(diagnostics, view, "LatentChannels", latentChannels, MaxChannels, "the latent's channels, such as 4 (Rombach et al. 2022, KL-f4)");
        int baseChannels = view.Int("BaseChannels", 64);
        bool baseValid = InRange(diagnostics, view, "BaseChannels", baseChannels, MaxBaseChannels, "the channels of the first level, such as 64 or 128");
        int resBlocks = view.Int("ResBlocks", 2);
        InRange(diagnostics, view, "ResBlocks", resBlocks, MaxResBlocks, "residual blocks per level, such as 2");
        int groups = view.Int("NormGroups", 32);
        bool groupsValid = InRange(diagnostics, view, "NormGroups", groups, MaxBaseChannels, "GroupNorm groups, 32 as in LDM");

        double klWeight = view.Double("KlWeight", 1e-6);
        if (!(klWeight >= 0 && !double.IsInfinity(klWeight)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KlWeightNegative, view.NamedLocation("KlWeight"), klWeight.ToString("R", CultureInfo.InvariantCulture))
                .WithFix(Fix.Set("KlWeight", "1e-6")));
        }

        var multipliers = view.IntArray("ChannelMultipliers", out bool multipliersRead) ?? (view.Has("ChannelMultipliers") ? null : new[] { 1, 2, 2 });
        bool multipliersValid = multipliersRead && multipliers is { Length: >= 1 and <= MaxLevels } && multipliers.All(m => m >= 1 && m <= MaxMultiplier);
        if (!multipliersValid)
        {
            var shown = multipliers is null ? "null" : "{ " + string.Join(", ", multipliers.Select(m => m.ToString(CultureInfo.InvariantCulture))) + " }";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, view.NamedLocation("ChannelMultipliers"), "ChannelMultipliers", shown,
                "1.." + MaxLevels + " multipliers, each 1.." + MaxMultiplier + ", such as new[] { 1, 2, 2 }"));
        }

        int factor = view.Int("DownsamplingFactor", 4);
        bool factorValid = factor >= 1 && factor <= 1 << (MaxLevels - 1) && (factor & (factor - 1)) == 0;
        if (!factorValid)
        {
            int nearest = NearestPowerOfTwo(factor);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DownsamplingFactorNotPowerOfTwo, view.NamedLocation("DownsamplingFactor"), factor, nearest)
                .FixBySetting("DownsamplingFactor", toArgument: 1));
        }
        else
        {
            int levels = Log2(factor) + 1;
            if (inputValid && inputSize % factor != 0)
            {
                int suggestion = (inputSize + factor - 1) / factor * factor;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputNotDivisibleByFactor, view.NamedLocation("InputSize"), inputSize, factor, suggestion)
                    .FixBySetting("InputSize", toArgument: 2));
            }
            if (multipliersValid && multipliers!.Length != levels)
            {
                var resolutions = string.Join(", ", Enumerable.Range(0, levels).Select(l => inputValid ? Size(inputSize >> l) : "/" + (1 << l).ToString(CultureInfo.InvariantCulture)));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipliersDoNotMatchFactor, view.NamedLocation("ChannelMultipliers"), multipliers.Length, factor, levels, resolutions)
                    .WithFix(Fix.Set("ChannelMultipliers", Fix.IntArray(Resized(multipliers, levels)))));
                multipliersValid = false;
            }
        }

        if (multipliersValid && baseValid && groupsValid)
        {
            for (int level = 0; level < multipliers!.Length; level++)
            {
                int channels = baseChannels * multipliers[level];
                if (channels % groups != 0)
                {
                    int common = multipliers.Select(m => baseChannels * m).Aggregate(UNetShapeParser.Gcd);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChannelsNotDivisibleByGroups, view.NamedLocation("NormGroups"), level, channels, baseChannels, multipliers[level], groups,
                        UNetShapeParser.LargestDivisorAtMost(common, groups))
                        .FixBySetting("NormGroups", toArgument: 5));
                    break;
                }
            }
        }

        var spec = conflict || DeclarationChecks.HasErrors(diagnostics)
            ? null
            : new AutoencoderSpec(DeclarationChecks.NameOf(symbol), inputSize, inChannels, factor, latentChannels, baseChannels,
                new EquatableArray<int>(multipliers!), resBlocks, klWeight, groups, ShadowedNames.Of(symbol, AutoencoderAliases.All));
        return new DeclarationResult<AutoencoderSpec>(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static bool InRange(List<DiagnosticInfo> diagnostics, AttributeView view, string name, int value, int max, string hint) =>
        DeclarationChecks.InRange(diagnostics, view.NamedLocation(name), name, value, max, hint);

    /// <summary>The power of two nearest to <paramref name="value"/> within 1..2^(MaxLevels - 1), the lower on a tie.</summary>
    private static int NearestPowerOfTwo(int value)
    {
        int best = 1;
        for (int p = 1; p <= 1 << (MaxLevels - 1); p *= 2)
        {
            if (System.Math.Abs((long)value - p) < System.Math.Abs((long)value - best)) best = p;
        }
        return best;
    }

    private static int Log2(int powerOfTwo)
    {
        int log = 0;
        while ((1 << log) < powerOfTwo) log++;
        return log;
    }

    /// <summary>The multipliers cut to <paramref name="levels"/>, or extended by repeating the last.</summary>
    private static IEnumerable<int> Resized(int[] multipliers, int levels) =>
        Enumerable.Range(0, levels).Select(i => multipliers[System.Math.Min(i, multipliers.Length - 1)]);

    private static string Size(int size) => size.ToString(CultureInfo.InvariantCulture) + "x" + size.ToString(CultureInfo.InvariantCulture);
}
