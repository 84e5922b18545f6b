using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diffusion.Generators.Diagnostics;
using Diffusion.Generators.Model;

namespace Diffusion.Generators.Parsing;

/// <summary>The pyramid options shared by [UNet] and [UNetEncoder] to a <see cref="UNetShape"/>, with their checks.</summary>
internal static class UNetShapeParser
{
    // Upper bounds (the autoencoder's too) keep every derived constant (4 x base, channels x multiplier, 3 x channels) inside int.
    internal const int MaxInputSize = 4096;
    internal const int MaxChannels = 1024;
    internal const int MaxBaseChannels = 8192;
    internal const int MaxMultiplier = 64;
    internal const int MaxLevels = 12;
    internal const int MaxResBlocks = 64;
    private const int MaxHeads = 4096;

    /// <summary>The shape, or null when a diagnostic was added for it.</summary>
    public static UNetShape? Parse(AttributeView view, List<DiagnosticInfo> diagnostics)
    {
        int before = diagnostics.Count;
        int inputSize = view.Int("InputSize", 0);
        bool inputValid = InRange(diagnostics, view, "InputSize", inputSize, MaxInputSize, "the input height and width in pixels, such as 28 or 32");
        int inChannels = view.Int("InChannels", 0);
        InRange(diagnostics, view, "InChannels", inChannels, MaxChannels, "the input channels, such as 1 or 3");
        int baseChannels = view.Int("BaseChannels", 64);
        bool baseValid = InRange(diagnostics, view, "BaseChannels", baseChannels, MaxBaseChannels, "the channels of the first level, such as 64 or 128");
        if (baseValid && baseChannels % 2 != 0)
        {
            // The timestep embedding has BaseChannels sinusoidal features, half cosines and half sines.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, view.NamedLocation("BaseChannels"), "BaseChannels", baseChannels, "an even number (the timestep embedding's sinusoidal features), such as " + (baseChannels + 1).ToString(CultureInfo.InvariantCulture))
                .WithFix(Fix.Set("BaseChannels", baseChannels + 1)));
            baseValid = false;
        }
        int resBlocks = view.Int("ResBlocks", 2);
        InRange(diagnostics, view, "ResBlocks", resBlocks, MaxResBlocks, "residual blocks per level, such as 2");
        int heads = view.Int("Heads", 4);
        bool headsValid = InRange(diagnostics, view, "Heads", heads, MaxHeads, "attention heads, such as 4");
        int groups = view.Int("NormGroups", 32);
        bool groupsValid = InRange(diagnostics, view, "NormGroups", groups, MaxBaseChannels, "GroupNorm groups, 32 as in DDPM and ADM");
        double dropout = view.Double("Dropout", 0.0);
        if (!(dropout >= 0 && dropout < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, view.NamedLocation("Dropout"), "Dropout", dropout, "a probability in [0, 1) (0.1 is usual)")
                .WithFix(Fix.Set("Dropout", "0.1")));
        }

        var multipliers = view.IntArray("ChannelMultipliers", out bool multipliersRead) ?? (view.Has("ChannelMultipliers") ? null : new[] { 1, 2, 2 });
        var multipliersLocation = view.NamedLocation("ChannelMultipliers");
        bool multipliersValid = multipliersRead && multipliers is { Length: >= 1 and <= MaxLevels } && multipliers.All(m => m >= 1 && m <= MaxMultiplier);
        if (!multipliersValid)
        {
            var shown = multipliers is null ? "null" : "{ " + string.Join(", ", multipliers.Select(m => m.ToString(CultureInfo.InvariantCulture))) + " }";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, multipliersLocation, "ChannelMultipliers", shown, "1.." + MaxLevels + " multipliers, each 1.." + MaxMultiplier + ", such as new[] { 1, 2, 2 }"));
        }
        var attention = view.IntArray("AttentionResolutions", out bool attentionRead) ?? (view.Has("AttentionResolutions") ? null : new int[0]);
        var attentionLocation = view.NamedLocation("AttentionResolutions");
        if (!attentionRead || attention is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, attentionLocation, "AttentionResolutions", "null", "an array of resolutions, such as new[] { 7 }, or none"));
            attention = new int[0];
        }

        if (multipliersValid && inputValid)
        {
            int levels = multipliers!.Length;
            int factor = 1 << (levels - 1);
            if (inputSize % factor != 0)
            {
                int suggestion = (inputSize + factor - 1) / factor * factor;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PyramidCannotHalve, view.NamedLocation("InputSize"), inputSize, levels - 1, levels, factor, suggestion)
                    .FixBySetting("InputSize", toArgument: 4)
                    .WithFix(Fix.Set("ChannelMultipliers", Fix.IntArray(multipliers.Take(HalvingLevels(inputSize))))));
            }
            else
            {
                var resolutions = Enumerable.Range(0, levels).Select(level => inputSize >> level).ToArray();
                // The middle block always attends, at the lowest resolution.
                foreach (var resolution in attention.Concat(new[] { resolutions[levels - 1] }).Distinct())
                {
                    if (!resolutions.Contains(resolution))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionResolutionNotInPyramid, attentionLocation, resolution, string.Join(", ", resolutions))
                            .WithFix(Fix.Set("AttentionResolutions", Fix.IntArray(attention.Where(resolutions.Contains)))));
                    }
                    else if (baseValid && headsValid)
                    {
                        int channels = baseChannels * multipliers[System.Array.IndexOf(resolutions, resolution)];
                        if (channels % heads != 0)
                        {
                            // Reported once, for the first resolution it fails at: one edit of Heads fixes them all.
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChannelsNotDivisibleByHeads, view.NamedLocation("Heads"), resolution, channels, heads, LargestDivisorAtMost(channels, heads))
                                .FixBySetting("Heads", toArgument: 3));
                            break;
                        }
                    }
                }
            }
            if (baseValid && groupsValid)
            {
                for (int level = 0; level < levels; level++)
                {
                    int channels = baseChannels * multipliers[level];
                    if (channels % groups != 0)
                    {
                        int common = multipliers.Select(m => baseChannels * m).Aggregate(Gcd);
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChannelsNotDivisibleByGroups, view.NamedLocation("NormGroups"), level, channels, baseChannels, multipliers[level], groups, LargestDivisorAtMost(common, groups))
                            .FixBySetting("NormGroups", toArgument: 5));
                        break;
                    }
                }
            }
        }

        if (DeclarationChecks.HasErrors(diagnostics.Skip(before).ToList())) return null;
        return new UNetShape(inputSize, inChannels, baseChannels, new EquatableArray<int>(multipliers!), resBlocks,
            new EquatableArray<int>(attention.Distinct().OrderByDescending(r => r)), heads, dropout, view.Bool("ScaleShiftNorm", true), groups);
    }

    private static bool InRange(List<DiagnosticInfo> diagnostics, AttributeView view, string name, int value, int max, string hint) =>
        DeclarationChecks.InRange(diagnostics, view.NamedLocation(name), name, value, max, hint);

    /// <summary>The most levels a pyramid on <paramref name="inputSize"/> can have: 1 + how often 2 divides it.</summary>
    private static int HalvingLevels(int inputSize)
    {
        int levels = 1;
        for (int size = inputSize; size % 2 == 0 && levels < MaxLevels; size /= 2) levels++;
        return levels;
    }

    internal static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>The largest divisor of <paramref name="n"/> that is at most <paramref name="limit"/>.</summary>
    internal static int LargestDivisorAtMost(int n, int limit)
    {
        for (int d = System.Math.Min(n, limit); d > 1; d--)
        {
            if (n % d == 0) return d;
        }
        return 1;
    }

    /// <summary>
    /// The alias names of the generated file that a type or namespace of the declaration's namespace, or a member of
    /// the declared class or its bases, already uses: an alias there would clash (CS0576) or lose.
    /// </summary>
    public static EquatableArray<string> ShadowedAliases(Microsoft.CodeAnalysis.INamedTypeSymbol symbol) =>
        ShadowedNames.Of(symbol, UNetAliases.All);
}
