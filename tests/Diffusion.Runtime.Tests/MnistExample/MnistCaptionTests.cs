using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Data;
using Examples.Mnist.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.MnistExample;

public sealed class MnistCaptionTests
{
    /// <summary>A 28x28 image with ink 255 where <paramref name="ink"/> says, 0 elsewhere.</summary>
    private static byte[] Draw(Func<int, int, bool> ink)
    {
        var pixels = new byte[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                pixels[y * 28 + x] = ink(x, y) ? (byte)255 : (byte)0;
        return pixels;
    }

    /// <summary>A bar of <paramref name="width"/> over rows 4..23 whose left edge moves <paramref name="lean"/> px right per row climbed.</summary>
    private static byte[] Bar(int width, double lean = 0, int top = 4, int bottom = 23)
    {
        return Draw((x, y) =>
        {
            if (y < top || y > bottom) return false;
            int left = 12 + (int)Math.Round(lean * (bottom - y)) - (int)Math.Round(lean * (bottom - top) / 2);
            return x >= left && x < left + width;
        });
    }

    [Fact]
    public void Moments_stroke_width_and_box_of_a_tiny_image_equal_the_hand_computed_values()
    {
        // (x, y) with y down:  (1, 0) = 255, (0, 1) = 255, (1, 1) = 51 (0.2), (0, 0) = 0.
        // Mass 2.2, mean x = mean y = 1.2 / 2.2 = 6/11. Summed over pixels (the 1/mass cancels in the ratio):
        // mu11 = (5/11)(-6/11) + (-6/11)(5/11) + 0.2 (5/11)(5/11) = -55/121; mu02 = 36/121 + 25/121 + 0.2 * 25/121 = 66/121.
        // Slant = -mu11 / mu02 = 5/6: the top pixel is right of the bottom one, so it leans right.
        // Ink (>= 128): two pixels touching only at a corner, 4 boundary edges each: 2A / P = 4 / 8.
        // Upright x' = x - slant (mean y - y): (1, 0) -> 1 - (5/6)(6/11) = 6/11 and (0, 1) -> (5/6)(5/11) = 25/66, so the
        // upright width is 6/11 - 25/66 + 1 = 7/6 and the size 7/6 x 2 rows = 7/3.
        var measured = DigitProperties.Measure([0, 255, 255, 51], width: 2);

        Assert.Equal(5.0 / 6.0, measured.Slant, 12);
        Assert.Equal(0.5, measured.Thickness, 12);
        Assert.Equal(2.2, measured.Ink, 12);
        Assert.Equal((2, 2), (measured.BoxWidth, measured.BoxHeight));
        Assert.Equal(7.0 / 6.0, measured.UprightWidth, 12);
        Assert.Equal(7.0 / 3.0, measured.Size, 12);
    }

    [Fact]
    public void A_bars_stroke_width_is_area_over_half_its_boundary_and_an_upright_bar_has_no_slant()
    {
        // 6 x 20 bar: A = 120, P = 2 (6 + 20) = 52; 3 x 20: A = 60, P = 46.
        var thick = DigitProperties.Measure(Bar(6), 28);
        Assert.Equal(240.0 / 52, thick.Thickness, 12);
        Assert.Equal(0.0, thick.Slant, 12);
        Assert.Equal((6, 20), (thick.BoxWidth, thick.BoxHeight));
        Assert.Equal(120.0 / 46, DigitProperties.Measure(Bar(3), 28).Thickness, 12);

        // Leaning right: the top is right of the bottom, so x falls as y (down) grows: mu11 < 0 and the slant is positive.
        var right = DigitProperties.Measure(Bar(2, lean: 0.4), 28);
        Assert.True(right.Slant > 0.3);
        Assert.True(DigitProperties.Measure(Bar(2, lean: -0.4), 28).Slant < -0.3);
        // Its box is 2 + 0.4 x 19 wide, but undone, the slant leaves about the pen's width.
        Assert.True(right.BoxWidth >= 9);
        Assert.InRange(right.UprightWidth, 2.0, 3.5);
    }

    [Fact]
    public void Against_its_class_a_thick_vertical_bar_is_thick_and_not_slanted_a_thin_right_leaning_bar_is_thin_and_leaning_right_and_a_short_bar_small()
    {
        byte[] thickUpright = Bar(6), thinRight = Bar(1, lean: 0.5), shortBar = Bar(3, top: 10, bottom: 17);
        // The class: bars of every width, upright and leaning either way by varying amounts, of full height and short.
        var others = new List<byte[]>();
        foreach (int width in new[] { 2, 3, 4 })
            foreach (double lean in new[] { -0.3, -0.1, 0, 0.1, 0.3 })
                others.Add(Bar(width, lean));
        var thresholds = CaptionThresholds.FromClass(others.Concat([thickUpright, thinRight, shortBar]).Select(p => DigitProperties.Measure(p, 28)).ToArray());

        var thick = thresholds.Classify(DigitProperties.Measure(thickUpright, 28));
        Assert.Equal(Stroke.Thick, thick.Stroke);
        Assert.NotEqual(Lean.Left, thick.Lean);
        Assert.NotEqual(Lean.Right, thick.Lean);
        Assert.Contains("a thick 7", CaptionPhrasings.For(7, thick));
        Assert.DoesNotContain(CaptionPhrasings.For(7, thick), c => c.Contains("leaning", StringComparison.Ordinal));

        var thin = thresholds.Classify(DigitProperties.Measure(thinRight, 28));
        Assert.Equal((Stroke.Thin, Lean.Right), (thin.Stroke, thin.Lean));
        Assert.Contains(CaptionPhrasings.For(7, thin), c => c.Contains("thin seven leaning right", StringComparison.Ordinal));

        Assert.Equal(Extent.Small, thresholds.Classify(DigitProperties.Measure(shortBar, 28)).Extent);
    }

    [Fact]
    public void Phrasings_say_every_attribute_several_ways_with_the_right_article()
    {
        Assert.Equal(
            ["7", "a handwritten seven", "a thick seven leaning right", "the digit 7, thick strokes, leaning right", "a thick 7", "a 7 leaning right"],
            CaptionPhrasings.For(7, new DigitAttributes(Stroke.Thick, Lean.Right, Extent.Unsaid)));
        Assert.Equal(
            ["8", "a handwritten eight", "an upright eight", "the digit 8, upright", "an upright 8"],
            CaptionPhrasings.For(8, new DigitAttributes(Stroke.Unsaid, Lean.Upright, Extent.Unsaid)));
        Assert.Equal(["1", "a handwritten one"], CaptionPhrasings.For(1, DigitAttributes.None));
        Assert.Contains("a small thin one", CaptionPhrasings.For(1, new DigitAttributes(Stroke.Thin, Lean.Unsaid, Extent.Small)));
    }

    [Fact]
    public void The_held_out_prompts_are_phrasings_the_writer_never_produces()
    {
        string file = Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", "Data", HeldOutPrompts.FileName);
        var heldOut = HeldOutPrompts.Read(file);
        Assert.Equal(100, heldOut.Count);
        Assert.All(Enumerable.Range(0, 10), digit => Assert.Equal(HeldOutPrompts.Attributes.Count + 2, heldOut.Count(p => p.Digit == digit)));

        // Every caption the writer can produce: every digit with every combination of attribute words.
        var produced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (int digit in Enumerable.Range(0, 10))
            foreach (var stroke in Enum.GetValues<Stroke>())
                foreach (var lean in Enum.GetValues<Lean>())
                    foreach (var extent in Enum.GetValues<Extent>())
                        produced.UnionWith(CaptionPhrasings.For(digit, new DigitAttributes(stroke, lean, extent)));
        Assert.True(produced.Count > 500, $"only {produced.Count} phrasings enumerated");

        Assert.Empty(heldOut.Where(p => produced.Contains(p.Prompt)).Select(p => p.Prompt));
    }

    [Fact]
    public void The_writer_captions_every_image_of_a_folder_that_the_captioned_folder_then_reads()
    {
        using var temp = new TempFolder();
        var bars = new Dictionary<string, byte[]>
        {
            ["7/thick.png"] = Bar(6), ["7/thin-right.png"] = Bar(1, lean: 0.5), ["7/a.png"] = Bar(3), ["7/b.png"] = Bar(3, lean: 0.1),
            ["7/c.png"] = Bar(4, lean: -0.1), ["1/a.png"] = Bar(2), ["1/b.png"] = Bar(3),
        };
        foreach (var (name, pixels) in bars) TempFolder.WriteGray(temp.Combine(name), 28, 28, (x, y) => pixels[y * 28 + x]);

        var summary = MnistCaptionWriter.Write(temp.Path);

        var data = CaptionedImageFolder.Open(temp.Path, new ImageFolderOptions(28, 28, 1, ImageFolderLayout.ClassConditional), 1 << 20);
        Assert.Equal((7, bars.Count), (summary.Images, (int)data.Count));
        Assert.Equal(summary.Lines, data.Captions.Sum(c => c.Count));
        Assert.StartsWith(MnistCaptionWriter.Marker, File.ReadLines(summary.File).First());
        var thick = data.Captions[data.Images.Files.ToList().IndexOf(temp.Combine("7", "thick.png"))];
        Assert.Contains("a thick 7", thick);
        Assert.Contains("7", thick);
        var thin = data.Captions[data.Images.Files.ToList().IndexOf(temp.Combine("7", "thin-right.png"))];
        Assert.Contains("a 7 leaning right", thin);
        Assert.All(data.Captions[data.Images.Files.ToList().IndexOf(temp.Combine("1", "a.png"))], c => Assert.DoesNotContain("seven", c));
    }
}
