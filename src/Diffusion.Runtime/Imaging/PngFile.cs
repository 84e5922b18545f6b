using System;
using System.IO;
using Diffusion.Runtime.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// PNG plumbing shared by the loaders and writers: a decoder configuration hardened for untrusted files, the header
/// fields a loader checks, and an atomic save. The strict structural check that runs before the decoder is
/// <see cref="PngStructure"/>.
/// </summary>
internal static class PngFile
{
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
