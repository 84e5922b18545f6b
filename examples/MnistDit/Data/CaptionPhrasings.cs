using System;
using System.Collections.Generic;
using System.Linq;

namespace Examples.Mnist.Data;

/// <summary>
/// The sentences the MNIST caption writer says about one digit: several phrasings of the same class and attributes, so a
/// text-conditioned model learns the words rather than one template. The held-out prompts
/// (<c>Data/held-out-prompts.tsv</c>) use phrasings none of these ever produces; a test checks it.
/// </summary>
/// <remarks>
/// For a seven that is thick, leaning right and of no remarkable size:
/// <code>
/// 7                                   the numeral alone
/// a handwritten seven                 the class in words
/// a thick seven leaning right         every attribute, as adjectives (size, pen, "upright") and "leaning ..." after
/// the digit 7, thick strokes, leaning right    every attribute, as clauses
/// a thick 7 / a 7 leaning right       each attribute alone, with the numeral
/// </code>
/// The last three appear only for digits with at least one attribute word.
/// </remarks>
public static class CaptionPhrasings
{
    /// <summary>The digits' names, by digit.</summary>
    public static readonly IReadOnlyList<string> Names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>The distinct captions of digit <paramref name="digit"/> with <paramref name="attributes"/>, in a fixed order.</summary>
    public static IReadOnlyList<string> For(int digit, DigitAttributes attributes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digit, 9);
        string numeral = digit.ToString(System.Globalization.CultureInfo.InvariantCulture), name = Names[digit];
        string? size = attributes.Extent switch { Extent.Small => "small", Extent.Large => "large", _ => null };
        string? pen = attributes.Stroke switch { Stroke.Thin => "thin", Stroke.Thick => "thick", _ => null };
        string? upright = attributes.Lean == Lean.Upright ? "upright" : null;
        string? leaning = attributes.Lean switch { Lean.Left => "leaning left", Lean.Right => "leaning right", _ => null };

        var captions = new List<string> { numeral, $"a handwritten {name}" };
        if (attributes != DigitAttributes.None)
        {
            captions.Add(Join(Article(Join(size, pen, upright, name)), leaning));
            captions.Add(string.Join(", ", new[] { $"the digit {numeral}", pen is null ? null : $"{pen} strokes", upright ?? leaning, size }.OfType<string>()));
            if (size is not null) captions.Add(Article(Join(size, numeral)));
            if (pen is not null) captions.Add(Article(Join(pen, numeral)));
            if (upright is not null) captions.Add(Article(Join(upright, numeral)));
            if (leaning is not null) captions.Add(Join(Article(numeral), leaning));
        }

        return captions.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>"a" or "an" before <paramref name="phrase"/>, by its first sound: an eight, an 8, an upright one, a one.</summary>
    public static string Article(string phrase) =>
        (phrase.StartsWith("eight", StringComparison.Ordinal) || phrase.StartsWith('8') || phrase.StartsWith("upright", StringComparison.Ordinal)
            ? "an " : "a ") + phrase;

    private static string Join(params string?[] words) => string.Join(" ", words.OfType<string>());
}
