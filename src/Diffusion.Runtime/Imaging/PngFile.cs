using System;
using System.Buffers.Binary;
using System.IO;
using Diffusion.Runtime.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// PNG plumbing shared by the loaders and writers: a decoder configuration hardened for untrusted files, a structural
/// check that catches truncation before the decoder sees the bytes, and an atomic save.
/// </summary>
internal static class PngFile
{
    /// <summary>The 8-byte PNG signature (PNG spec section 5.2).</summary>
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Largest single buffer the decoder may allocate: 256 MB covers 8192^2 RGBA32, far above any limit we set.</summary>
    private const int AllocationLimitMegabytes = 256;

    /// <summary>
    /// ImageSharp 2.1 has no <c>DecoderOptions</c> (that arrived in 3.0). What it offers, and what this uses: a
    /// configuration that knows only the PNG format (so no other decoder ever parses these bytes), single-threaded
    /// decoding, and a memory allocator whose <c>AllocationLimitMegabytes</c> caps any one buffer. Pixel-count
    /// limits are enforced by the caller from the IHDR header before decoding.
    /// </summary>
    public static readonly Configuration Untrusted = new(new PngConfigurationModule())
    {
        MaxDegreeOfParallelism = 1,
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes }),
    };

    /// <summary>The fields of the IHDR chunk that decide whether an image is acceptable.</summary>
    public readonly record struct Header(int Width, int Height, int BitDepth, PngColorType ColorType)
    {
        /// <summary>Channels a decoder would produce: palette images count as RGB (3).</summary>
        public int Channels => ColorType switch
        {
            PngColorType.Grayscale => 1,
            PngColorType.GrayscaleWithAlpha => 2,
            PngColorType.Rgb or PngColorType.Palette => 3,
            PngColorType.RgbWithAlpha => 4,
            _ => 0,
        };
    }

    /// <summary>
    /// Walks the chunk list (PNG spec section 5.3: 4-byte length, 4-byte type, data, 4-byte CRC) and returns the IHDR
    /// fields, or an error sentence describing the first structural defect: not a PNG, a chunk running past the end
    /// of the file (truncation), or no IEND chunk. CRCs are left to the decoder.
    /// </summary>
    public static Header? ReadHeader(ReadOnlySpan<byte> bytes, out string? error)
    {
        error = null;
        if (bytes.Length < Signature.Length || !bytes[..Signature.Length].SequenceEqual(Signature))
        {
            error = "is not a PNG image (it does not start with the 8-byte PNG signature)";
            return null;
        }

        Header? header = null;
        int offset = Signature.Length;
        while (true)
        {
            if (bytes.Length - offset < 12)
            {
                error = $"is a truncated PNG: it ends at byte {bytes.Length} without an IEND chunk";
                return null;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(offset, 4));
            string type = System.Text.Encoding.ASCII.GetString(bytes.Slice(offset + 4, 4));
            if (length > int.MaxValue || length > (uint)(bytes.Length - offset - 12))
            {
                error = $"is a truncated PNG: chunk '{type}' at byte {offset} declares {length} data bytes but only "
                    + $"{Math.Max(0, bytes.Length - offset - 12)} remain";
                return null;
            }

            var data = bytes.Slice(offset + 8, (int)length);
            if (header is null)
            {
                if (type != "IHDR" || length != 13)
                {
                    error = $"is not a valid PNG: the first chunk is '{type}' ({length} bytes), expected a 13-byte IHDR";
                    return null;
                }

                long width = BinaryPrimitives.ReadUInt32BigEndian(data[..4]);
                long height = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4, 4));
                if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
                {
                    error = $"is not a valid PNG: IHDR declares {width}x{height} pixels";
                    return null;
                }

                header = new Header((int)width, (int)height, data[8], (PngColorType)data[9]);
            }

            offset += 12 + (int)length;
            if (type == "IEND") return header;
        }
    }

    /// <summary>
    /// Saves <paramref name="image"/> as PNG to <paramref name="path"/> atomically (<see cref="AtomicFile"/>), stamped
    /// with <see cref="PngMarker"/> so that a later run knows the file as its own.
    /// </summary>
    public static void SaveAtomic(Image image, string path, PngColorType colorType)
    {
        var encoder = new PngEncoder { ColorType = colorType, BitDepth = PngBitDepth.Bit8 };
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        PngMarker.Write(path, buffer.ToArray());
    }
}
