using System;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Diffusion.Runtime.Data;

/// <summary>
/// One untrusted PNG file to planar bytes of the declared size and channels: the file is opened with
/// <see cref="RegularFile"/> (regular files only, size limit on the bytes read), its structure and image data are
/// checked strictly by <see cref="PngStructure"/> before the decoder runs, and decoding uses a PNG-only,
/// allocation-capped ImageSharp configuration. JPEG is not read: ImageSharp 2.1.13's JPEG decoder has reported flaws
/// with crafted files and there is no strict structural check for it here.
/// </summary>
internal static class ImageDecoder
{
    private const float Scale = 1f / 127.5f;

    /// <summary>
    /// Checks and decodes <paramref name="file"/> into <paramref name="destination"/> (C*H*W planar bytes); returns
    /// null on success or a sentence naming the file and the expectation it failed.
    /// </summary>
    public static string? TryDecode(string file, ImageFolderOptions options, Span<byte> destination, out Exception? inner)
    {
        inner = null;
        byte[] bytes;
        try
        {
            bytes = RegularFile.ReadAllBytes(file, options.MaxFileBytes);
        }
        catch (InputFileException e)
        {
            inner = e;
            return e.Message;
        }

        var layout = PngStructure.ReadLayout(bytes, out string? structural);
        if (layout is null) return $"'{file}' {structural}.";
        var hdr = layout.Header;

        if ((long)hdr.Width * hdr.Height > options.MaxPixels)
            return $"'{file}' declares {hdr.Width}x{hdr.Height} = {(long)hdr.Width * hdr.Height} pixels; at most {options.MaxPixels} are accepted.";
        bool resize = hdr.Width != options.Width || hdr.Height != options.Height;
        if (resize && options.Fit == ImageFit.Exact)
            return $"'{file}' is {hdr.Width}x{hdr.Height} pixels; expected {options.Width}x{options.Height} "
                + "(or let the loader scale and centre-crop it: ImageFit.CenterCrop, --fit center-crop).";
        if (hdr.Channels != options.Channels && !options.ConvertColor)
            return $"'{file}' has {hdr.Channels} channel(s) (PNG color type {(int)hdr.ColorType}); expected {options.Channels} "
                + $"({(options.Channels == 1 ? "grayscale" : "RGB")}): save it as a {(options.Channels == 1 ? "grayscale" : "RGB")} PNG, or skip it.";
        if (PngStructure.CheckImageData(bytes, layout, out inner) is { } data) return $"'{file}' {data}.";

        try
        {
            if (options.Channels == 1)
            {
                using var image = Image.Load<L8>(PngFile.Untrusted, bytes);
                if (resize) Fit(image, options);
                image.CopyPixelDataTo(destination);
            }
            else
            {
                using var image = Image.Load<Rgb24>(PngFile.Untrusted, bytes);
                if (resize) Fit(image, options);
                CopyPlanar(image, destination);
            }
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidMemoryOperationException
                                      or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            inner = e;
            return $"'{file}' could not be decoded as a PNG ({e.GetType().Name}: {e.Message}); expected a valid "
                + $"{options.Width}x{options.Height} image.";
        }

        return null;
    }

    /// <summary>Bytes v in 0..255 to v / 127.5 - 1 in [-1, 1], the range the diffusion models train on.</summary>
    public static void ToUnitRange(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        for (int i = 0; i < pixels.Length; i++) destination[i] = pixels[i] * Scale - 1f;
    }

    /// <summary>Scales so the image covers the declared size, then keeps the centre (bicubic, antialiased when shrinking).</summary>
    private static void Fit<TPixel>(Image<TPixel> image, ImageFolderOptions options)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        image.Mutate(PngFile.Untrusted, context => context.Resize(new ResizeOptions
        {
            Size = new Size(options.Width, options.Height),
            Mode = ResizeMode.Crop,
            Position = AnchorPositionMode.Center,
            Sampler = KnownResamplers.Bicubic,
        }));
    }

    /// <summary>Interleaved RGB (H*W*3) to planar (3, H, W).</summary>
    private static void CopyPlanar(Image<Rgb24> image, Span<byte> destination)
    {
        int plane = image.Width * image.Height;
        var interleaved = new byte[plane * 3];
        image.CopyPixelDataTo(interleaved);
        for (int i = 0; i < plane; i++)
        {
            destination[i] = interleaved[3 * i];
            destination[plane + i] = interleaved[3 * i + 1];
            destination[2 * plane + i] = interleaved[3 * i + 2];
        }
    }
}
