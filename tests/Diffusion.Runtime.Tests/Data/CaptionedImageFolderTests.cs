using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Data;

public sealed class CaptionedImageFolderTests
{
    private static readonly ImageFolderOptions Gray8 = new(8, 8, 1, ImageFolderLayout.ClassConditional);

    /// <summary>7/a.png (two captions), 7/b.png and 3/c.png, each filled with its own grey level.</summary>
    private static TempFolder Folder(string captions)
    {
        var temp = new TempFolder();
        TempFolder.WriteGray(temp.Combine("7", "a.png"), 8, 8, (_, _) => 10);
        TempFolder.WriteGray(temp.Combine("7", "b.png"), 8, 8, (_, _) => 20);
        TempFolder.WriteGray(temp.Combine("3", "c.png"), 8, 8, (_, _) => 30);
        File.WriteAllText(temp.Combine("captions.tsv"), captions);
        return temp;
    }

    private const string Good = "7/a.png\ta thick seven\n3/c.png\tthe digit 3\n7/b.png\t7\n7/a.png\tthe digit 7, thick strokes\n";

    [Fact]
    public void Captions_follow_the_images_order_with_labels_and_pixels_from_the_streaming_folder()
    {
        using var temp = Folder(Good);

        var data = CaptionedImageFolder.Open(temp.Path, Gray8, cacheBytes: 1 << 20);

        Assert.Equal([temp.Combine("3", "c.png"), temp.Combine("7", "a.png"), temp.Combine("7", "b.png")], data.Images.Files);
        Assert.Equal([["the digit 3"], ["a thick seven", "the digit 7, thick strokes"], ["7"]], data.Captions.Select(c => c.ToArray()).ToArray());
        var (images, labels) = data.Images.Batch([1, 0]);
        Assert.Equal([7L, 3], labels!.data<long>().ToArray());
        Assert.Equal(10 / 127.5f - 1f, images[0, 0, 0, 0].item<float>(), 6);
        Assert.Empty(data.Warnings);
    }

    [Fact]
    public void Drawn_captions_depend_on_the_seed_alone_and_cover_an_images_captions_uniformly()
    {
        using var temp = Folder(Good);
        var data = CaptionedImageFolder.Open(temp.Path, Gray8, cacheBytes: 1 << 20);
        long[] indices = Enumerable.Repeat(1L, 3000).ToArray();

        var first = data.DrawCaptions(indices, seed: 42);

        Assert.Equal(first, data.DrawCaptions(indices, seed: 42));
        Assert.NotEqual(first, data.DrawCaptions(indices, seed: 43));
        // Two captions, 3000 draws: each count is Binomial(3000, 1/2), sd 27; 1500 +- 150 is over 5 sd.
        int thick = first.Count(c => c == "a thick seven");
        Assert.InRange(thick, 1350, 1650);
        Assert.Equal(3000 - thick, first.Count(c => c == "the digit 7, thick strokes"));
        Assert.Equal(["the digit 3", "7"], data.DrawCaptions([0, 2], seed: 7));
    }

    [Fact]
    public void A_line_naming_a_missing_image_is_refused_with_its_line_or_skipped_with_a_warning()
    {
        using var temp = Folder(Good + "# more\n7/z.png\tseven\n");

        var error = Assert.Throws<ImageDataException>(() => CaptionedImageFolder.Open(temp.Path, Gray8, 1 << 20));
        Assert.Contains($"'{temp.Combine("captions.tsv")}' line 6 names '7/z.png'", error.Message);

        var skipped = CaptionedImageFolder.Open(temp.Path, Gray8 with { SkipBadFiles = true }, 1 << 20);
        Assert.Contains("line 6 names '7/z.png'", Assert.Single(skipped.Warnings));
        Assert.Equal(3, skipped.Count);
    }

    [Fact]
    public void An_image_without_a_caption_is_refused_by_name_whatever_the_options()
    {
        using var temp = Folder("7/a.png\tseven\n3/c.png\tthree\n");

        var error = Assert.Throws<ImageDataException>(() => CaptionedImageFolder.Open(temp.Path, Gray8 with { SkipBadFiles = true }, 1 << 20));

        Assert.Contains("no caption for 1 image(s)", error.Message);
        Assert.Contains("'7/b.png'", error.Message);
    }

    [Fact]
    public void A_path_that_names_a_folder_or_another_layouts_file_is_not_an_image()
    {
        using var temp = Folder(Good + "7\tseven\n");
        Assert.Contains("line 5 names '7'", Assert.Throws<ImageDataException>(() => CaptionedImageFolder.Open(temp.Path, Gray8, 1 << 20)).Message);
    }

    [Fact]
    public void Another_captions_file_can_be_named()
    {
        using var temp = Folder("not read\n");
        File.WriteAllText(temp.Combine("other.tsv"), Good);

        var data = CaptionedImageFolder.Open(temp.Path, Gray8, 1 << 20, temp.Combine("other.tsv"));

        Assert.Equal(temp.Combine("other.tsv"), data.CaptionsFile);
        Assert.Equal(3, data.Count);
    }
}
