using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Diffusion.Runtime.Tests.Imaging;

/// <summary>
/// Builds PNG files byte by byte, with correct chunk CRCs, so that a test can make exactly the defect it needs (a
/// second IHDR, cut image data, corrupt deflate data under a valid CRC). Its CRC-32 is written here from the PNG spec,
/// independently of the runtime's.
/// </summary>
internal static class PngBuilder
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>One chunk: length, type, data, CRC over type and data.</summary>
    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>IHDR data: width, height, bit depth, color type, compression 0, filter 0, interlace.</summary>
    public static byte[] Header(int width, int height, byte bitDepth = 8, byte colorType = 0, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)height);
        data[8] = bitDepth;
        data[9] = colorType;
        data[12] = interlace;
        return data;
    }

    /// <summary>Filtered image data of an 8-bit grayscale image: each row is filter byte 0 then the pixels (x + y).</summary>
    public static byte[] GrayRows(int width, int height)
    {
        var raw = new byte[height * (1 + width)];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                raw[y * (1 + width) + 1 + x] = (byte)(x + y);
        return raw;
    }

    /// <summary>A zlib stream (RFC 1950) of <paramref name="raw"/>.</summary>
    public static byte[] Zlib(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return output.ToArray();
    }

    /// <summary>Signature, then the chunks in order.</summary>
    public static byte[] File(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c)];

    /// <summary>A valid 8-bit grayscale PNG whose pixel (x, y) is x + y: IHDR, one IDAT, IEND.</summary>
    public static byte[] ValidGray(int width, int height) =>
        File(Chunk("IHDR", Header(width, height)), Chunk("IDAT", Zlib(GrayRows(width, height))), Chunk("IEND", []));

    /// <summary>Recomputes the CRC of the chunk at <paramref name="chunkOffset"/> after a test patched its data; returns the bytes.</summary>
    public static byte[] WithCrc(byte[] png, int chunkOffset)
    {
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(chunkOffset));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(chunkOffset + 8 + length), Crc(png.AsSpan(chunkOffset + 4, 4 + length)));
        return png;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
