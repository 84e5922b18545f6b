using System;

namespace Examples.Mnist.Data;

/// <summary>
/// What <see cref="DigitProperties.Measure"/> reads off one digit image, the quantities the MNIST captions describe.
/// Coordinates: x to the right, y DOWN (image rows), both in pixels.
/// </summary>
/// <param name="Thickness">Mean stroke width in pixels, 2A / P: A the ink pixels, P the ink's boundary edges (below).</param>
/// <param name="Slant">
/// The horizontal shift of the ink per pixel climbed: -mu11 / mu02, with mu11 and mu02 the ink's second central moments
/// (the covariance of its coordinates, weighted by ink). Positive leans right (the top right of the bottom), negative
/// leans left, 0 is upright. The minus sign is there because y points down.
/// </param>
/// <param name="BoxWidth">The width of the bounding box of the ink pixels.</param>
/// <param name="BoxHeight">The height of the bounding box of the ink pixels.</param>
/// <param name="UprightWidth">
/// The width of the bounding box once the slant is undone: of x' = x - Slant (mean y - y), each ink pixel moved back
/// by its lean at its height above the centre of mass (max x' - min x' + 1). A slanted digit's box is wider than the
/// same digit upright; this width is not, so size and slant stay separate words.
/// </param>
/// <param name="Ink">The total ink, the sum of the pixel values scaled to 0..1.</param>
public sealed record DigitProperties(double Thickness, double Slant, int BoxWidth, int BoxHeight, double UprightWidth, double Ink)
{
    /// <summary>A pixel of value at least this (on 0..1) is ink for the area, the boundary and the box.</summary>
    public const double InkLevel = 0.5;

    /// <summary>The digit's size: the area of its upright bounding box, UprightWidth x BoxHeight.</summary>
    public double Size => UprightWidth * BoxHeight;

    /// <summary>
    /// Measures a grayscale digit, white ink on black: <paramref name="pixels"/> row-major, <paramref name="width"/> per
    /// row, values 0..255.
    /// </summary>
    /// <remarks>
    /// Stroke width: a stroke of width w and length L covers A = wL pixels and has a boundary of P = 2(w + L) edges, so
    /// 2A / P = wL / (w + L), which tends to w as the stroke lengthens (a 3x20 bar gives 2.61); it needs no skeleton and
    /// is the same for a short digit and a long one of equal pen. P counts the sides between an ink pixel and a non-ink
    /// one (4-neighbours; outside the image is not ink). The moments use the grey values as weights, so anti-aliased
    /// edges count in proportion.
    /// </remarks>
    /// <exception cref="ArgumentException">The image holds no ink pixel, or the sizes disagree.</exception>
    public static DigitProperties Measure(ReadOnlySpan<byte> pixels, int width)
    {
        if (width <= 0 || pixels.Length % width != 0) throw new ArgumentException($"{pixels.Length} pixels are not rows of {width}.", nameof(width));
        int height = pixels.Length / width;
        byte level = (byte)Math.Ceiling(InkLevel * 255);
        var ink = new bool[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) ink[i] = pixels[i] >= level;
        bool IsInk(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && ink[y * width + x];

        long area = 0, boundary = 0;
        int left = width, right = -1, top = height, bottom = -1;
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = pixels[y * width + x] / 255.0;
                mass += v;
                sumX += v * x;
                sumY += v * y;
                if (!IsInk(x, y)) continue;
                area++;
                boundary += (IsInk(x - 1, y) ? 0 : 1) + (IsInk(x + 1, y) ? 0 : 1) + (IsInk(x, y - 1) ? 0 : 1) + (IsInk(x, y + 1) ? 0 : 1);
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
            }

        if (area == 0) throw new ArgumentException($"The image holds no ink (no pixel of at least {InkLevel} x 255).", nameof(pixels));

        double meanX = sumX / mass, meanY = sumY / mass, mu11 = 0, mu02 = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = pixels[y * width + x] / 255.0;
                mu11 += v * (x - meanX) * (y - meanY);
                mu02 += v * (y - meanY) * (y - meanY);
            }

        // A single row of ink (mu02 = 0) has no height to lean over: upright.
        double slant = mu02 > 0 ? -mu11 / mu02 : 0.0;
        double uprightLeft = double.MaxValue, uprightRight = double.MinValue;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (!ink[y * width + x]) continue;
                double upright = x - slant * (meanY - y);
                (uprightLeft, uprightRight) = (Math.Min(uprightLeft, upright), Math.Max(uprightRight, upright));
            }

        return new DigitProperties(2.0 * area / boundary, slant, right - left + 1, bottom - top + 1, uprightRight - uprightLeft + 1, mass);
    }
}
