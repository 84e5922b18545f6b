using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Data;

public sealed class ImageFolderTests
{
    private static readonly ImageFolderOptions Gray28 = new(28, 28, 1, ImageFolderLayout.ClassConditional);

    private static string Good(string path, byte level = 0) => TempFolder.WriteGray(path, 28, 28, (x, y) => (byte)(level + x + y));

    [Fact]
    public void Numbered_class_folders_are_their_labels_with_values_in_minus_one_to_one()
    {
        using var temp = new TempFolder();
        Good(temp.Combine("10", "a.png"), 10);
        Good(temp.Combine("2", "a.png"), 2);
        Good(temp.Combine("2", "b.png"), 2);
        TempFolder.WriteGray(temp.Combine("1", "a.png"), 28, 28, (x, y) => x == 0 && y == 0 ? (byte)255 : (byte)0);

        using var data = ImageFolder.Load(temp.Path, Gray28);

        Assert.True(data.NumberedClasses);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], data.ClassNames);
        Assert.Equal([4L, 1, 28, 28], data.Images.shape);
        Assert.Equal([1L, 2, 2, 10], data.Labels!.data<long>().ToArray());
        Assert.Equal(1f, data.Images[0, 0, 0, 0].item<float>());
        Assert.Equal(-1f, data.Images[0, 0, 0, 1].item<float>());
        // Pixel (x=3, y=5) of 10/a.png is 10 + 3 + 5 = 18 -> 18 / 127.5 - 1.
        Assert.Equal(18 / 127.5f - 1f, data.Images[3, 0, 5, 3].item<float>(), 5);
        Assert.Empty(data.Warnings);
    }

    [Fact]
    public void Unconditional_takes_pngs_at_any_depth_and_returns_no_labels()
    {
        using var temp = new TempFolder();
        Good(temp.Combine("a.png"));
        Good(temp.Combine("nested", "deeper", "b.png"));
        File.WriteAllText(temp.Combine("readme.txt"), "not an image, not a .png: ignored");

        using var data = ImageFolder.Load(temp.Path, Gray28 with { Layout = ImageFolderLayout.Unconditional });

        Assert.Equal(2, data.Count);
        Assert.Null(data.Labels);
        Assert.Empty(data.ClassNames);
    }

    [Fact]
    public void Rgb_loads_planar_channels()
    {
        using var temp = new TempFolder();
        TempFolder.WriteRgb(temp.Combine("c", "a.png"), 4, 3, (x, y) => (255, 0, (byte)(x * 50)));

        using var data = ImageFolder.Load(temp.Path, new ImageFolderOptions(4, 3, 3, ImageFolderLayout.ClassConditional));

        Assert.Equal([1L, 3, 3, 4], data.Images.shape);
        Assert.Equal(1f, data.Images[0, 0, 2, 1].item<float>());
        Assert.Equal(-1f, data.Images[0, 1, 2, 1].item<float>());
        Assert.Equal(150 / 127.5f - 1f, data.Images[0, 2, 2, 3].item<float>(), 5);
    }

    [Fact]
    public void Truncated_png_names_the_file()
    {
        using var temp = new TempFolder();
        string file = Good(temp.Combine("3", "cut.png"));
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(file, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal(file, error.Path);
    }

    [Fact]
    public void Non_image_names_the_file()
    {
        using var temp = new TempFolder();
        Good(temp.Combine("3", "ok.png"));
        string file = temp.Combine("3", "notes.png");
        File.WriteAllText(file, "these are notes, not pixels");

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(file, error.Message);
        Assert.Contains("not a PNG", error.Message);
    }

    [Fact]
    public void Wrong_size_names_the_file_and_both_sizes()
    {
        using var temp = new TempFolder();
        string file = TempFolder.WriteGray(temp.Combine("3", "big.png"), 32, 30, (_, _) => 0);

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(file, error.Message);
        Assert.Contains("32x30", error.Message);
        Assert.Contains("expected 28x28", error.Message);
    }

    [Fact]
    public void Wrong_channels_names_the_file_unless_conversion_is_asked_for()
    {
        using var temp = new TempFolder();
        string file = TempFolder.WriteRgb(temp.Combine("3", "color.png"), 28, 28, (_, _) => (200, 200, 200));

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(file, error.Message);
        Assert.Contains("3 channel", error.Message);
        Assert.Contains("expected 1", error.Message);

        using var converted = ImageFolder.Load(temp.Path, Gray28 with { ConvertColor = true });
        Assert.Equal(200 / 127.5f - 1f, converted.Images[0, 0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void Too_many_pixels_are_refused_from_the_header_before_decoding()
    {
        using var temp = new TempFolder();
        string file = Good(temp.Combine("3", "huge.png"));
        // Patch IHDR (bytes 16..23) to claim 5000 x 5000 pixels; the data stays 28 x 28, so decoding would fail anyway.
        byte[] bytes = File.ReadAllBytes(file);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16, 4), 5000);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20, 4), 5000);
        File.WriteAllBytes(file, Imaging.PngBuilder.WithCrc(bytes, chunkOffset: 8));

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(file, error.Message);
        Assert.Contains("25000000 pixels", error.Message);
        Assert.Contains($"at most {ImageFolderOptions.DefaultMaxPixels}", error.Message);
    }

    [Fact]
    public void Empty_folder_names_the_folder()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28 with { Layout = ImageFolderLayout.Unconditional }));
        Assert.Contains(temp.Path, error.Message);
        Assert.Contains("no .png", error.Message);
    }

    [Fact]
    public void Class_conditional_without_class_folders_names_the_folder()
    {
        using var temp = new TempFolder();
        Good(temp.Combine("a.png"));

        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, Gray28));
        Assert.Contains(temp.Path, error.Message);
        Assert.Contains("one subfolder per class", error.Message);
    }

    [Fact]
    public void Skip_bad_files_collects_one_warning_per_file()
    {
        using var temp = new TempFolder();
        Good(temp.Combine("0", "a.png"));
        Good(temp.Combine("1", "b.png"));
        string wrongSize = TempFolder.WriteGray(temp.Combine("1", "c.png"), 10, 10, (_, _) => 0);
        string text = temp.Combine("0", "d.png");
        File.WriteAllText(text, "nope");

        using var data = ImageFolder.Load(temp.Path, Gray28 with { SkipBadFiles = true });

        Assert.Equal(2, data.Count);
        Assert.Equal([0L, 1], data.Labels!.data<long>().ToArray());
        Assert.Equal(2, data.Warnings.Count);
        Assert.Contains(data.Warnings, w => w.Contains(wrongSize));
        Assert.Contains(data.Warnings, w => w.Contains(text));
        Assert.DoesNotContain(wrongSize, data.Files);
    }
}
