using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.IO;

namespace Examples.Mnist.Data;

/// <summary>What <see cref="MnistCaptionWriter.Write"/> wrote.</summary>
/// <param name="File">The captions file.</param>
/// <param name="Images">Images captioned.</param>
/// <param name="Lines">Caption lines written (several per image).</param>
/// <param name="Distinct">Distinct caption texts (what a text encoder has to encode).</param>
/// <param name="Words">Images per attribute word (thin, thick, upright, leaning left, leaning right, small, large).</param>
public sealed record CaptionSummary(string File, int Images, int Lines, int Distinct, IReadOnlyDictionary<string, int> Words);

/// <summary>
/// Writes <c>captions.tsv</c> (<see cref="CaptionFile"/>) for an MNIST image folder (<c>{digit}/*.png</c>, 28x28
/// grayscale): each image's class from its folder and its stroke width, slant and size measured on the image
/// (<see cref="DigitProperties"/>), worded against its own class's terciles (<see cref="CaptionThresholds"/>) in the
/// phrasings of <see cref="CaptionPhrasings"/>. Deterministic: the same images give the same file.
/// </summary>
public static class MnistCaptionWriter
{
    /// <summary>The first line's start: it marks a captions file as this writer's, which it may overwrite.</summary>
    public const string Marker = "# mnist-dit caption:";

    /// <summary>Measures every image under <paramref name="root"/> and writes <c>{root}/captions.tsv</c> atomically.</summary>
    /// <exception cref="ImageDataException">The folder is not an MNIST folder of numbered class folders 0..9 of 28x28 grayscale PNGs.</exception>
    public static CaptionSummary Write(string root)
    {
        using var data = ImageFolder.Load(root, new ImageFolderOptions(28, 28, 1, ImageFolderLayout.ClassConditional) { Classes = 10 });
        if (!data.NumberedClasses)
            throw new ImageDataException(root, $"'{root}' has named class folders ({string.Join(", ", data.ClassNames)}); MNIST captions need digit folders 0..9.");

        // Back from [-1, 1] to the PNG's bytes: ImageFolder maps v to v / 127.5 - 1, so rounding recovers v exactly.
        float[] values = data.Images.data<float>().ToArray();
        long[] labels = data.Labels!.data<long>().ToArray();
        var measured = new DigitProperties[data.Count];
        var pixels = new byte[28 * 28];
        for (int i = 0; i < data.Count; i++)
        {
            for (int p = 0; p < pixels.Length; p++) pixels[p] = (byte)Math.Round((values[i * pixels.Length + p] + 1f) * 127.5f);
            try
            {
                measured[i] = DigitProperties.Measure(pixels, 28);
            }
            catch (ArgumentException)
            {
                throw new ImageDataException(data.Files[i], $"'{data.Files[i]}' holds no ink (no pixel of at least {DigitProperties.InkLevel} x 255); an MNIST digit is white on black.");
            }
        }

        var thresholds = Enumerable.Range(0, 10).ToDictionary(digit => digit,
            digit => measured.Where((_, i) => labels[i] == digit).ToArray() is { Length: > 0 } ofDigit ? CaptionThresholds.FromClass(ofDigit) : null);

        var text = new StringBuilder();
        text.Append(Marker).Append(" MNIST captions from each image's folder (its digit) and its stroke width, slant and size, ")
            .Append("measured on the image (examples/MnistDit/Data/DigitProperties.cs) and worded against its own digit's terciles.\n")
            .Append("# Rewrite with: ./scripts/mnist-dit.sh caption --data <this folder>. Format: image path<TAB>caption, several lines per image.\n");
        foreach (var (digit, t) in thresholds.Where(p => p.Value is not null))
            text.Append(CultureInfo.InvariantCulture, $"# digit {digit}: thin below stroke width {t!.ThinBelow:F3}, thick above {t.ThickAbove:F3}; upright below |slant| {t.UprightBelow:F3}, leaning above {t.LeaningAbove:F3}; small below size {t.SmallBelow:F1}, large above {t.LargeAbove:F1}\n");

        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        int lines = 0;
        for (int i = 0; i < data.Count; i++)
        {
            int digit = (int)labels[i];
            var attributes = thresholds[digit]!.Classify(measured[i]);
            foreach (string word in Words(attributes)) words[word] = words.GetValueOrDefault(word) + 1;
            string image = Path.GetRelativePath(root, data.Files[i]).Replace(Path.DirectorySeparatorChar, '/');
            foreach (string caption in CaptionPhrasings.For(digit, attributes))
            {
                text.Append(image).Append('\t').Append(caption).Append('\n');
                distinct.Add(caption);
                lines++;
            }
        }

        string file = Path.Combine(root, CaptionFile.DefaultName);
        AtomicFile.WriteText(file, text.ToString());
        return new CaptionSummary(file, data.Count, lines, distinct.Count, words);
    }

    private static IEnumerable<string> Words(DigitAttributes attributes)
    {
        if (attributes.Stroke != Stroke.Unsaid) yield return attributes.Stroke == Stroke.Thin ? "thin" : "thick";
        if (attributes.Lean != Lean.Unsaid) yield return attributes.Lean switch { Lean.Upright => "upright", Lean.Left => "leaning left", _ => "leaning right" };
        if (attributes.Extent != Extent.Unsaid) yield return attributes.Extent == Extent.Small ? "small" : "large";
    }
}
