using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using static Diffusion.Runtime.Tests.Imaging.PngBuilder;

namespace Diffusion.Runtime.Tests.Imaging;

/// <summary>
/// The strict PNG check that runs before ImageSharp (which is lax: a second IHDR, cut image data and corrupt deflate
/// data under valid CRCs all decode without an error). Every file is built byte by byte and loaded through
/// <see cref="ImageFolder"/>, so each refusal is the sentence a user sees.
/// </summary>
public sealed class StrictPngTests
{
    private static readonly ImageFolderOptions Gray28 = new(28, 28, 1, ImageFolderLayout.ClassConditional);

    /// <summary>28 x 28 8-bit grayscale: 28 rows of 1 filter byte + 28 pixels.</summary>
    private const int RawBytes = 28 * 29;

    /// <summary>The first chunk after IHDR starts here: 8 signature bytes + 25 IHDR bytes.</summary>
    private const int AfterHeader = 33;

    private static string Refusal(byte[] png, ImageFolderOptions? options = null)
    {
        using var temp = new TempFolder();
        string file = temp.Combine("3", "x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllBytes(file, png);
        var error = Assert.Throws<ImageDataException>(() => ImageFolder.Load(temp.Path, options ?? Gray28));
        Assert.Equal(file, error.Path);
        Assert.StartsWith($"'{file}' ", error.Message);
        return error.Message;
    }

    private static float[] Load(byte[] png, int width = 28, int height = 28)
    {
        using var temp = new TempFolder();
        string file = temp.Combine("3", "x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllBytes(file, png);
        using var data = ImageFolder.Load(temp.Path, new ImageFolderOptions(width, height, 1, ImageFolderLayout.ClassConditional));
        return data.Images.data<float>().ToArray();
    }

    [Fact]
    public void A_valid_png_built_byte_by_byte_decodes()
    {
        var pixels = Load(ValidGray(28, 28));
        Assert.Equal((3 + 5) / 127.5f - 1f, pixels[5 * 28 + 3], 5);
    }

    [Fact]
    public void Image_data_split_over_consecutive_idat_chunks_decodes()
    {
        var zlib = Zlib(GrayRows(28, 28));
        int half = zlib.Length / 2;
        var pixels = Load(File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", zlib[..half]), Chunk("IDAT", zlib[half..]), Chunk("IEND", [])));
        Assert.Equal((27 + 27) / 127.5f - 1f, pixels[^1], 5);
    }

    private static byte[] Interlaced(int width, int height)
    {
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new L8((byte)(7 * x + 3 * y));
        using var interlaced = new MemoryStream();
        image.Save(interlaced, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8, InterlaceMethod = PngInterlaceMode.Adam7 });
        Assert.Equal(1, interlaced.ToArray()[AfterHeader - 5]); // IHDR's interlace byte
        return interlaced.ToArray();
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(5, 3)] // Adam7 pass 3 has no rows at this height
    [InlineData(8, 1)] // passes 3, 5 and 7 have no rows
    public void Adam7_interlaced_images_decode_like_plain_ones(int width, int height)
    {
        var pixels = Load(Interlaced(width, height), width, height);
        Assert.Equal((byte)(7 * (width - 1) + 3 * (height - 1)) / 127.5f - 1f, pixels[^1], 5);
        Assert.Equal((byte)(7 * (width / 2)) / 127.5f - 1f, pixels[width / 2], 5);
    }

    [Fact]
    public void Rows_written_for_an_empty_adam7_pass_are_refused()
    {
        // ImageSharp 2.1's encoder writes a filter byte for every row of a pass with no columns (passes 2, 4 and 6 of a
        // 1x1 image); the PNG spec (section 8.2) says an empty pass holds no data at all, so the file is refused.
        Assert.Contains("IDAT data holds more than the 2 bytes of image data of a 1x1 interlaced image", Refusal(Interlaced(1, 1), Gray28 with { Width = 1, Height = 1 }));
    }

    [Fact]
    public void A_second_ihdr_is_refused()
    {
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IHDR", Header(1, 1)), Chunk("IDAT", Zlib(GrayRows(28, 28))), Chunk("IEND", []));
        Assert.Contains($"has 2 IHDR chunks (the second at byte {AfterHeader})", Refusal(png));
    }

    [Fact]
    public void Image_data_that_ends_early_under_a_valid_crc_is_refused()
    {
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", Zlib(GrayRows(28, 28)[..406])), Chunk("IEND", []));
        Assert.Contains($"IDAT data ends after 406 of {RawBytes} bytes of image data", Refusal(png));
    }

    [Fact]
    public void Image_data_longer_than_the_image_is_refused_without_inflating_it_all()
    {
        // A small bomb: the image's rows, then 64 MiB of zeros that compress to about 64 KiB.
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", Zlib([.. GrayRows(28, 28), .. new byte[64 << 20]])), Chunk("IEND", []));
        Assert.Contains($"IDAT data holds more than the {RawBytes} bytes of image data", Refusal(png));
    }

    [Fact]
    public void Corrupt_deflate_data_under_a_valid_crc_is_refused()
    {
        var zlib = Zlib(GrayRows(28, 28));
        zlib[2] |= 0x06; // the first block's type becomes 3, which deflate reserves (RFC 1951, 3.2.3)
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", zlib), Chunk("IEND", []));
        Assert.Contains("its image data (IDAT) is not a valid zlib stream after 0 of 812 bytes", Refusal(png));
    }

    [Fact]
    public void Deflate_data_changed_in_the_middle_under_a_valid_crc_is_refused()
    {
        var zlib = Zlib(GrayRows(28, 28));
        zlib[zlib.Length / 2] ^= 0x5A;
        var message = Refusal(File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", zlib), Chunk("IEND", [])));
        Assert.Contains("is not a valid PNG", message);
        Assert.Contains("image data", message);
    }

    [Fact]
    public void A_zlib_stream_without_its_checksum_is_refused()
    {
        var zlib = Zlib(GrayRows(28, 28));
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", zlib[..^4]), Chunk("IEND", []));
        Assert.Contains("is not a valid PNG", Refusal(png));
    }

    [Fact]
    public void Bytes_after_iend_are_refused()
    {
        byte[] png = [.. ValidGray(28, 28), 1, 2, 3, 4, 5];
        Assert.Contains("has 5 bytes after its IEND chunk", Refusal(png));
    }

    [Fact]
    public void Idat_chunks_split_by_another_chunk_are_refused()
    {
        var zlib = Zlib(GrayRows(28, 28));
        int half = zlib.Length / 2;
        var png = File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", zlib[..half]), Chunk("tEXt", "Comment\0hi"u8.ToArray()),
            Chunk("IDAT", zlib[half..]), Chunk("IEND", []));
        Assert.Contains($"IDAT chunks are not consecutive (chunk 'tEXt' at byte {AfterHeader + 12 + half} separates them", Refusal(png));
    }

    [Fact]
    public void A_chunk_whose_crc_fails_is_refused_with_its_offset()
    {
        var png = ValidGray(28, 28);
        png[AfterHeader + 10] ^= 0x01; // a data byte of the IDAT chunk
        Assert.Contains($"chunk 'IDAT' at byte {AfterHeader} fails its CRC", Refusal(png));
    }

    [Fact]
    public void An_unknown_critical_chunk_is_refused_and_an_unknown_ancillary_one_is_not()
    {
        var rows = Chunk("IDAT", Zlib(GrayRows(28, 28)));
        Assert.Contains($"unknown critical chunk 'QUUX' at byte {AfterHeader}", Refusal(File(Chunk("IHDR", Header(28, 28)), Chunk("QUUX", [1]), rows, Chunk("IEND", []))));
        Assert.Equal(784, Load(File(Chunk("IHDR", Header(28, 28)), Chunk("quUx", [1]), rows, Chunk("IEND", []))).Length);
    }

    [Fact]
    public void Invalid_header_fields_are_refused()
    {
        var rows = Chunk("IDAT", Zlib(GrayRows(28, 28)));
        Assert.Contains("bit depth 4 with color type 2", Refusal(File(Chunk("IHDR", Header(28, 28, bitDepth: 4, colorType: 2)), rows, Chunk("IEND", []))));
        Assert.Contains("interlace method 2", Refusal(File(Chunk("IHDR", Header(28, 28, interlace: 2)), rows, Chunk("IEND", []))));
    }

    [Fact]
    public void Palette_rules_are_checked()
    {
        var rows = Chunk("IDAT", Zlib(GrayRows(28, 28)));
        Assert.Contains("palette image (color type 3) without a PLTE chunk",
            Refusal(File(Chunk("IHDR", Header(28, 28, colorType: 3)), rows, Chunk("IEND", []))));
        Assert.Contains("grayscale image (color type 0) with a PLTE chunk",
            Refusal(File(Chunk("IHDR", Header(28, 28)), Chunk("PLTE", [0, 0, 0]), rows, Chunk("IEND", []))));
        Assert.Contains("palette has 3 entries, more than bit depth 1 can index (2)",
            Refusal(File(Chunk("IHDR", Header(28, 28, bitDepth: 1, colorType: 3)), Chunk("PLTE", new byte[9]), rows, Chunk("IEND", []))));
    }

    [Fact]
    public void A_row_with_an_undefined_filter_type_is_refused()
    {
        var raw = GrayRows(28, 28);
        raw[3 * 29] = 9;
        Assert.Contains("row 3 of its image data has filter type 9", Refusal(File(Chunk("IHDR", Header(28, 28)), Chunk("IDAT", Zlib(raw)), Chunk("IEND", []))));
    }
}
