using System;
using System.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Diffusion.Runtime.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted on dispose; plus PNG writers for test fixtures.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "diffusion-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes a grayscale PNG whose pixel (x, y) is <paramref name="value"/>(x, y); returns the path.</summary>
    public static string WriteGray(string path, int width, int height, Func<int, int, byte> value)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new L8(value(x, y));
        image.Save(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    /// <summary>Writes an RGB PNG with pixel (x, y) = (r, g, b) from <paramref name="value"/>; returns the path.</summary>
    public static string WriteRgb(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)> value)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = value(x, y);
                image[x, y] = new Rgb24(r, g, b);
            }

        image.Save(path, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 });
        return path;
    }
}
