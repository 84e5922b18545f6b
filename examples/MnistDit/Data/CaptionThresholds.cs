using System;
using System.Collections.Generic;
using System.Linq;

namespace Examples.Mnist.Data;

/// <summary>
/// Where one digit class's attribute words begin: the terciles of the class's own measurements, so "thick" means the
/// thickest third of that digit's images (a one's pen is measured against other ones, not against eights).
/// </summary>
/// <param name="ThinBelow">Thickness below this is "thin" (the lower tercile).</param>
/// <param name="ThickAbove">Thickness above this is "thick" (the upper tercile).</param>
/// <param name="UprightBelow">|Slant| below this is "upright".</param>
/// <param name="LeaningAbove">|Slant| above this is "leaning", left or right by its sign.</param>
/// <param name="SmallBelow">Size (the upright bounding box's area) below this is "small".</param>
/// <param name="LargeAbove">Size above this is "large".</param>
public sealed record CaptionThresholds(double ThinBelow, double ThickAbove, double UprightBelow, double LeaningAbove, double SmallBelow, double LargeAbove)
{
    /// <summary>
    /// The thresholds of one class from its measurements: the lower and upper terciles q(1/3) and q(2/3) of thickness,
    /// |slant| and size, q(p) the value at rank floor(p (n - 1)) of the sorted values. Values strictly beyond a
    /// tercile get the word, so ties at a tercile stay unsaid.
    /// </summary>
    /// <exception cref="ArgumentException">No measurements.</exception>
    public static CaptionThresholds FromClass(IReadOnlyCollection<DigitProperties> measured)
    {
        if (measured.Count == 0) throw new ArgumentException("A class needs at least one measured image.", nameof(measured));
        var (thin, thick) = Terciles(measured.Select(m => m.Thickness));
        var (upright, leaning) = Terciles(measured.Select(m => Math.Abs(m.Slant)));
        var (small, large) = Terciles(measured.Select(m => m.Size));
        return new CaptionThresholds(thin, thick, upright, leaning, small, large);
    }

    /// <summary>The words a digit of this class with <paramref name="measured"/> properties gets.</summary>
    public DigitAttributes Classify(DigitProperties measured) => new(
        measured.Thickness < ThinBelow ? Stroke.Thin : measured.Thickness > ThickAbove ? Stroke.Thick : Stroke.Unsaid,
        Math.Abs(measured.Slant) < UprightBelow ? Lean.Upright
            : Math.Abs(measured.Slant) > LeaningAbove ? (measured.Slant > 0 ? Lean.Right : Lean.Left) : Lean.Unsaid,
        measured.Size < SmallBelow ? Extent.Small : measured.Size > LargeAbove ? Extent.Large : Extent.Unsaid);

    private static (double Lower, double Upper) Terciles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(sorted.Length - 1) / 3], sorted[2 * (sorted.Length - 1) / 3]);
    }
}
