using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using SixLabors.ImageSharp.Formats.Png;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// A strict check of a PNG file's structure and image data (PNG spec, 2nd edition, sections 5, 10 and 11), run before
/// ImageSharp sees the bytes.
/// </summary>
/// <remarks>
/// Why: ImageSharp 2.1 is lax. It decodes a file with a second IHDR chunk with the second one's size (a 28x28 digit
/// becomes 1x1), zero-fills image data that ends early, and turns corrupt deflate data whose chunk CRCs are valid
/// into garbage pixels, all without an error. A training set silently polluted that way is worse than a refused file,
/// so every such file is refused here with a sentence that says what is wrong. The rules: the signature; exactly one
/// IHDR, first, 13 bytes, with a valid bit depth and color type combination; every chunk's CRC; at most one PLTE,
/// before the image data, required for palette images and forbidden for grayscale ones, with no more entries than the
/// bit depth can index; IDAT chunks consecutive; IEND empty and last, with nothing after it; no unknown critical chunk.
/// Then the concatenated IDAT zlib stream is inflated, in a fixed 64 KiB buffer (a decompression bomb cannot allocate
/// more), and must produce exactly the bytes the header implies (every row's filter byte in 0..4), then end, with its
/// Adler-32 matching what it produced.
/// </remarks>
internal static class PngStructure
{
    /// <summary>Where a checked file's image data lies, with its header.</summary>
    /// <param name="Header">The IHDR fields.</param>
    /// <param name="Interlaced">True for Adam7 interlacing (IHDR interlace method 1).</param>
    /// <param name="ImageData">Offset and length of each IDAT chunk's data, in file order.</param>
    public sealed record Layout(PngFile.Header Header, bool Interlaced, IReadOnlyList<(int Offset, int Length)> ImageData);

    /// <summary>The 8-byte PNG signature (section 5.2).</summary>
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Walks and checks the chunk list; returns the layout, or null with <paramref name="error"/> set to a phrase that
    /// follows the file's name ("is not a valid PNG: ...", "is a truncated PNG: ...").
    /// </summary>
    public static Layout? ReadLayout(ReadOnlySpan<byte> bytes, out string? error)
    {
        error = null;
        if (bytes.Length < Signature.Length || !bytes[..Signature.Length].SequenceEqual(Signature))
            return Fail(out error, "is not a PNG image (it does not start with the 8-byte PNG signature)");

        PngFile.Header? header = null;
        bool interlaced = false;
        int paletteAt = -1;
        var imageData = new List<(int Offset, int Length)>();
        string? afterImageData = null; // the first chunk after the IDAT run, once it has ended
        int offset = Signature.Length;
        while (true)
        {
            if (bytes.Length - offset < 12)
                return Fail(out error, $"is a truncated PNG: it ends at byte {bytes.Length} without an IEND chunk");

            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(offset, 4));
            var typeBytes = bytes.Slice(offset + 4, 4);
            string type = System.Text.Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue || length > (uint)(bytes.Length - offset - 12))
                return Fail(out error, $"is a truncated PNG: chunk '{type}' at byte {offset} declares {length} data bytes but only "
                    + $"{Math.Max(0, bytes.Length - offset - 12)} remain");
            foreach (byte b in typeBytes)
                if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
                    return Fail(out error, $"is not a valid PNG: the chunk at byte {offset} has type bytes "
                        + $"{Convert.ToHexString(typeBytes)}, not four letters");

            var data = bytes.Slice(offset + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(offset + 8 + (int)length, 4));
            uint computed = Crc32.Compute(bytes.Slice(offset + 4, 4 + (int)length));
            if (stored != computed)
                return Fail(out error, $"is not a valid PNG: chunk '{type}' at byte {offset} fails its CRC "
                    + $"(stored 0x{stored:X8}, computed 0x{computed:X8})");

            if (header is null)
            {
                if (type != "IHDR" || length != 13)
                    return Fail(out error, $"is not a valid PNG: the first chunk is '{type}' ({length} bytes), expected a 13-byte IHDR");
                header = ReadHeader(data, out interlaced, out error);
                if (header is null) return null;
            }
            else if (afterImageData is null && imageData.Count > 0 && type != "IDAT")
            {
                afterImageData = $"chunk '{type}' at byte {offset}";
            }

            var hdr = header.Value;
            switch (type)
            {
                case "IHDR" when offset != Signature.Length:
                    return Fail(out error, $"is not a valid PNG: it has 2 IHDR chunks (the second at byte {offset}); a PNG has exactly one, first");
                case "IHDR":
                    break;
                case "PLTE":
                    if (paletteAt >= 0)
                        return Fail(out error, $"is not a valid PNG: it has 2 PLTE chunks (at bytes {paletteAt} and {offset}); a PNG has at most one");
                    if (imageData.Count > 0)
                        return Fail(out error, $"is not a valid PNG: its PLTE chunk at byte {offset} comes after the image data; it must come before the first IDAT");
                    if (hdr.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha)
                        return Fail(out error, $"is not a valid PNG: it is a grayscale image (color type {(int)hdr.ColorType}) with a PLTE chunk, which grayscale images must not have");
                    if (length == 0 || length % 3 != 0 || length > 768)
                        return Fail(out error, $"is not a valid PNG: its PLTE chunk has {length} bytes; a palette holds 1 to 256 RGB entries of 3 bytes");
                    if (hdr.ColorType == PngColorType.Palette && length / 3 > 1u << hdr.BitDepth)
                        return Fail(out error, $"is not a valid PNG: its palette has {length / 3} entries, more than bit depth {hdr.BitDepth} can index ({1 << hdr.BitDepth})");
                    paletteAt = offset;
                    break;
                case "IDAT":
                    if (afterImageData is not null)
                        return Fail(out error, $"is not a valid PNG: its IDAT chunks are not consecutive ({afterImageData} separates them from the IDAT at byte {offset})");
                    if (hdr.ColorType == PngColorType.Palette && paletteAt < 0)
                        return Fail(out error, $"is not a valid PNG: it is a palette image (color type 3) without a PLTE chunk before its image data");
                    imageData.Add((offset + 8, (int)length));
                    break;
                case "IEND":
                    if (length != 0)
                        return Fail(out error, $"is not a valid PNG: its IEND chunk at byte {offset} holds {length} data bytes; IEND is empty");
                    if (imageData.Count == 0)
                        return Fail(out error, "is not a valid PNG: it has no IDAT chunk (no image data)");
                    int end = offset + 12;
                    if (end != bytes.Length)
                        return Fail(out error, $"is not a valid PNG: it has {bytes.Length - end} bytes after its IEND chunk (which ends at byte {end}); IEND must be last");
                    return new Layout(hdr, interlaced, imageData);
                default:
                    // Bit 5 of a type's first byte clear (an upper-case letter) marks a critical chunk: a decoder that does
                    // not know it cannot display the image correctly (section 5.4).
                    if ((typeBytes[0] & 0x20) == 0)
                        return Fail(out error, $"is not a valid PNG: it has an unknown critical chunk '{type}' at byte {offset}, which no decoder can safely skip");
                    break;
            }

            offset += 12 + (int)length;
        }
    }

    /// <summary>
    /// Inflates the image data of <paramref name="layout"/> and checks it holds exactly the bytes its header implies;
    /// returns null, or a phrase that follows the file's name.
    /// </summary>
    public static string? CheckImageData(byte[] bytes, Layout layout, out Exception? inner)
    {
        inner = null;
        var hdr = layout.Header;
        var rows = Rows(hdr, layout.Interlaced);
        long expected = 0;
        foreach (var (rowBytes, count) in rows) expected += rowBytes * count;

        Stream compressed;
        int compressedLength = 0;
        if (layout.ImageData.Count == 1)
        {
            compressed = new MemoryStream(bytes, layout.ImageData[0].Offset, layout.ImageData[0].Length, writable: false);
            compressedLength = layout.ImageData[0].Length;
        }
        else
        {
            foreach (var (_, length) in layout.ImageData) compressedLength += length;
            var joined = new byte[compressedLength];
            int at = 0;
            foreach (var (offset, length) in layout.ImageData)
            {
                Buffer.BlockCopy(bytes, offset, joined, at, length);
                at += length;
            }
            compressed = new MemoryStream(joined, writable: false);
        }

        if (compressedLength < 6)
            return $"is not a valid PNG: its image data is {compressedLength} bytes, too short for a zlib stream";
        compressed.Position = compressedLength - 4;
        Span<byte> trailer = stackalloc byte[4];
        compressed.ReadExactly(trailer);
        uint storedAdler = BinaryPrimitives.ReadUInt32BigEndian(trailer);
        compressed.Position = 0;

        // Never more than expected + 1 bytes are asked of the inflater, into one fixed buffer: a bomb costs CPU for
        // at most that many bytes and no memory.
        var buffer = new byte[(int)Math.Min(64 * 1024, expected + 1)];
        long total = 0;
        uint a = 1, b = 0;
        int pass = 0;
        long rowsLeft = rows[0].Count;
        long nextRow = 0, row = 0;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            while (true)
            {
                int want = (int)Math.Min(buffer.Length, expected + 1 - total);
                if (want == 0) break;
                int n = zlib.Read(buffer, 0, want);
                if (n == 0) break;
                int valid = (int)Math.Min(n, expected - total);
                for (int i = 0; i < valid; i++)
                {
                    a = (a + buffer[i]) % 65521;
                    b = (b + a) % 65521;
                }

                // Every row starts with its filter type byte (section 9.2): 0..4.
                while (nextRow < total + valid)
                {
                    byte filter = buffer[nextRow - total];
                    if (filter > 4)
                        return $"is not a valid PNG: row {row} of its image data{(layout.Interlaced ? $" (Adam7 pass {pass + 1})" : "")} has filter type {filter}; PNG defines 0 to 4";
                    nextRow += rows[pass].RowBytes;
                    row++;
                    if (--rowsLeft == 0 && ++pass < rows.Count)
                    {
                        rowsLeft = rows[pass].Count;
                        row = 0;
                    }
                }

                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            inner = e;
            return $"is not a valid PNG: its image data (IDAT) is not a valid zlib stream after {total} of {expected} bytes ({e.Message})";
        }

        string image = $"a {hdr.Width}x{hdr.Height}{(layout.Interlaced ? " interlaced" : "")} image of color type {(int)hdr.ColorType} at bit depth {hdr.BitDepth}";
        if (total < expected)
            return $"is not a valid PNG: its IDAT data ends after {total} of {expected} bytes of image data ({image})";
        if (total > expected)
            return $"is not a valid PNG: its IDAT data holds more than the {expected} bytes of image data of {image}";
        uint adler = (b << 16) | a;
        if (adler != storedAdler)
            return $"is not a valid PNG: its IDAT data does not end with the Adler-32 of the {expected} bytes it decompresses to "
                + $"(stored 0x{storedAdler:X8}, computed 0x{adler:X8}): the zlib stream is cut short, corrupt, or followed by extra bytes";
        return null;
    }

    /// <summary>
    /// The rows of the filtered image data, as (bytes per row including the filter byte, row count) per pass: one pass
    /// when not interlaced, the seven Adam7 passes otherwise (section 8.2), where a pass with no pixels has no rows.
    /// </summary>
    internal static List<(long RowBytes, long Count)> Rows(PngFile.Header header, bool interlaced)
    {
        int samples = header.ColorType switch
        {
            PngColorType.Grayscale or PngColorType.Palette => 1,
            PngColorType.GrayscaleWithAlpha => 2,
            PngColorType.Rgb => 3,
            _ => 4,
        };
        long bitsPerPixel = (long)samples * header.BitDepth;
        long RowBytes(long width) => 1 + (width * bitsPerPixel + 7) / 8;
        if (!interlaced) return [(RowBytes(header.Width), header.Height)];

        ReadOnlySpan<int> x0 = [0, 4, 0, 2, 0, 1, 0], y0 = [0, 0, 4, 0, 2, 0, 1], dx = [8, 8, 4, 4, 2, 2, 1], dy = [8, 8, 8, 4, 4, 2, 2];
        var passes = new List<(long, long)>(7);
        for (int p = 0; p < 7; p++)
        {
            long width = header.Width > x0[p] ? (header.Width - x0[p] + dx[p] - 1) / dx[p] : 0;
            long height = header.Height > y0[p] ? (header.Height - y0[p] + dy[p] - 1) / dy[p] : 0;
            if (width > 0 && height > 0) passes.Add((RowBytes(width), height));
        }
        return passes;
    }

    /// <summary>Reads and checks the 13 IHDR data bytes (section 11.2.2).</summary>
    private static PngFile.Header? ReadHeader(ReadOnlySpan<byte> data, out bool interlaced, out string? error)
    {
        interlaced = false;
        error = null;
        long width = BinaryPrimitives.ReadUInt32BigEndian(data[..4]);
        long height = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4, 4));
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            return FailHeader(out error, $"is not a valid PNG: IHDR declares {width}x{height} pixels");
        byte depth = data[8], color = data[9];
        bool valid = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
            return FailHeader(out error, $"is not a valid PNG: IHDR declares bit depth {depth} with color type {color}, a combination PNG does not define");
        if (data[10] != 0 || data[11] != 0)
            return FailHeader(out error, $"is not a valid PNG: IHDR declares compression method {data[10]} and filter method {data[11]}; PNG defines only 0");
        if (data[12] > 1)
            return FailHeader(out error, $"is not a valid PNG: IHDR declares interlace method {data[12]}; PNG defines 0 (none) and 1 (Adam7)");
        interlaced = data[12] == 1;
        return new PngFile.Header((int)width, (int)height, depth, (PngColorType)color);
    }

    private static Layout? Fail(out string? error, string message)
    {
        error = message;
        return null;
    }

    private static PngFile.Header? FailHeader(out string? error, string message)
    {
        error = message;
        return null;
    }
}
