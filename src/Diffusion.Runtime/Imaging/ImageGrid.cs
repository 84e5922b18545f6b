using System;
using System.Collections.Generic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// Writes a batch of images in [-1, 1] as one PNG grid, torchvision <c>make_grid</c> style: cells filled row-major,
/// <c>padding</c> black pixels around and between cells. Value v maps to round((clamp(v, -1, 1) + 1) * 127.5)
/// (NaN to 0). The file is written atomically (temporary file, then rename).
/// </summary>
public static class ImageGrid
{
    /// <summary>Default padding between and around cells, in output pixels.</summary>
    public const int DefaultPadding = 2;

    /// <summary>
    /// Writes <paramref name="images"/> (N, C, H, W), C = 1 (grayscale PNG) or 3 (RGB PNG), as a grid of
    /// <paramref name="rows"/> rows and ceil(N / rows) columns. Each pixel is repeated <paramref name="upscale"/>
    /// times in each direction (x2 makes 28 px digits readable). The PNG is
    /// cols * (W * upscale + padding) + padding wide and rows * (H * upscale + padding) + padding high.
    /// </summary>
    public static void Write(Tensor images, string path, int rows, int upscale = 1, int padding = DefaultPadding)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(path);
        if (images.dim() != 4)
            throw new ArgumentException($"Expected images of shape (N, C, H, W), got ({string.Join(", ", images.shape)}).", nameof(images));
        int n = (int)images.shape[0], c = (int)images.shape[1], h = (int)images.shape[2], w = (int)images.shape[3];
        if (c is not (1 or 3))
            throw new ArgumentException($"Expected 1 or 3 channels, got {c} (shape ({string.Join(", ", images.shape)})).", nameof(images));
        if (n == 0) throw new ArgumentException("Cannot write an empty batch.", nameof(images));
        if (rows < 1 || rows > n) throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be in 1..{n} (the batch size), got {rows}.");
        if (upscale < 1) throw new ArgumentOutOfRangeException(nameof(upscale), $"upscale must be >= 1, got {upscale}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"padding must be >= 0, got {padding}.");

        int cols = (n + rows - 1) / rows;
        float[] values = ToHostFloats(images);
        int cellW = w * upscale, cellH = h * upscale;
        int width = cols * (cellW + padding) + padding;
        int height = rows * (cellH + padding) + padding;
        var pixels = new byte[width * height * c];
        int plane = h * w;
        for (int index = 0; index < n; index++)
        {
            int left = padding + index % cols * (cellW + padding);
            int top = padding + index / cols * (cellH + padding);
            int imageOffset = index * c * plane;
            for (int y = 0; y < cellH; y++)
            {
                int sourceRow = y / upscale * w;
                int destinationRow = ((top + y) * width + left) * c;
                for (int x = 0; x < cellW; x++)
                {
                    int source = imageOffset + sourceRow + x / upscale;
                    for (int ch = 0; ch < c; ch++)
                        pixels[destinationRow + x * c + ch] = ToByte(values[source + ch * plane]);
                }
            }
        }

        if (c == 1)
        {
            using var image = Image.LoadPixelData<L8>(pixels, width, height);
            PngFile.SaveAtomic(image, path, PngColorType.Grayscale);
        }
        else
        {
            using var image = Image.LoadPixelData<Rgb24>(pixels, width, height);
            PngFile.SaveAtomic(image, path, PngColorType.Rgb);
        }
    }

    /// <summary>Maps [-1, 1] to 0..255 (clamped; NaN to 0).</summary>
    internal static byte ToByte(float v)
    {
        if (float.IsNaN(v)) return 0;
        float clamped = Math.Clamp(v, -1f, 1f);
        return (byte)MathF.Round((clamped + 1f) * 127.5f);
    }

    private static float[] ToHostFloats(Tensor images)
    {
        using var scope = NewDisposeScope();
        return images.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }
}

/// <summary>Writes a denoising trajectory (x_T ... x_0 snapshots) left to right as one PNG.</summary>
public static class DenoisingStrip
{
    /// <summary>
    /// Writes <paramref name="snapshots"/>, each (1, C, H, W) or (C, H, W) in [-1, 1] and all of one shape, as a
    /// single-row <see cref="ImageGrid"/>: snapshots.Count * (W * upscale + padding) + padding wide.
    /// </summary>
    public static void Write(IReadOnlyList<Tensor> snapshots, string path, int upscale = 1, int padding = ImageGrid.DefaultPadding)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        if (snapshots.Count == 0) throw new ArgumentException("Cannot write an empty strip.", nameof(snapshots));
        using var scope = NewDisposeScope();
        var batch = new Tensor[snapshots.Count];
        for (int i = 0; i < snapshots.Count; i++)
        {
            var s = snapshots[i];
            batch[i] = s.dim() switch
            {
                3 => s.unsqueeze(0),
                4 when s.shape[0] == 1 => s,
                _ => throw new ArgumentException($"Snapshot {i} has shape ({string.Join(", ", s.shape)}); expected (1, C, H, W) or (C, H, W).", nameof(snapshots)),
            };
            if (i > 0 && !batch[i].shape.AsSpan().SequenceEqual(batch[0].shape))
                throw new ArgumentException($"Snapshot {i} has shape ({string.Join(", ", batch[i].shape)}); snapshot 0 has ({string.Join(", ", batch[0].shape)}).", nameof(snapshots));
        }

        ImageGrid.Write(cat(batch, 0), path, rows: 1, upscale, padding);
    }
}
