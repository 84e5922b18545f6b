using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Imaging;

public sealed class ImageGridTests
{
    /// <summary>(1 + 1) * 127.5 rounded: the byte a value v in [-1, 1] must become.</summary>
    private static byte Expected(float v) => (byte)MathF.Round((Math.Clamp(v, -1f, 1f) + 1f) * 127.5f);

    [Fact]
    public void Grayscale_grid_has_the_documented_size_and_places_each_pixel()
    {
        using var temp = new TempFolder();
        // 5 images of 1 x 3 x 4, values spread over [-1.2, 1.2] so clamping is exercised too.
        using var batch = linspace(-1.2, 1.2, 5 * 3 * 4).reshape(5, 1, 3, 4);
        string path = temp.Combine("grid.png");

        ImageGrid.Write(batch, path, rows: 2, upscale: 2, padding: 2);

        using var image = Image.Load<L8>(path);
        // cols = ceil(5 / 2) = 3: width 3 * (4*2 + 2) + 2 = 32, height 2 * (3*2 + 2) + 2 = 18.
        Assert.Equal((32, 18), (image.Width, image.Height));
        // Image 4 sits at row 1, col 1; its pixel (y=2, x=3) covers output x = 2 + 10 + 6 .. +1, y = 2 + 8 + 4 .. +1.
        byte expected = Expected(batch[4, 0, 2, 3].item<float>());
        foreach (var (x, y) in new[] { (18, 14), (19, 14), (18, 15), (19, 15) })
            Assert.Equal(expected, image[x, y].PackedValue);
        Assert.Equal(Expected(batch[0, 0, 0, 0].item<float>()), image[2, 2].PackedValue);
        Assert.Equal(0, image[0, 0].PackedValue);   // padding is black
        Assert.Equal(0, image[31, 17].PackedValue); // the empty sixth cell too
        Assert.Equal(["grid.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Rgb_grid_keeps_channels_apart()
    {
        using var temp = new TempFolder();
        var values = new float[] { -1f, 1f, 0f };  // R, G, B planes of a 1x1 image
        using var batch = tensor(values, [1, 3, 1, 1]);
        string path = temp.Combine("rgb.png");

        ImageGrid.Write(batch, path, rows: 1, upscale: 1, padding: 0);

        using var image = Image.Load<Rgb24>(path);
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal(new Rgb24(0, 255, 128), image[0, 0]);
    }

    [Fact]
    public void Strip_puts_snapshots_left_to_right()
    {
        using var temp = new TempFolder();
        var snapshots = new[] { full(1, 1, 28, 28, -1f), full(1, 28, 28, 1f), full(1, 1, 28, 28, 0f) };
        string path = temp.Combine("strip.png");

        DenoisingStrip.Write(snapshots, path, upscale: 2);

        using var image = Image.Load<L8>(path);
        Assert.Equal((3 * (56 + 2) + 2, 56 + 4), (image.Width, image.Height));
        Assert.Equal(0, image[2, 2].PackedValue);
        Assert.Equal(255, image[2 + 58, 2].PackedValue);
        Assert.Equal(128, image[2 + 2 * 58, 2].PackedValue);
    }

    [Fact]
    public void Bad_shapes_are_refused()
    {
        using var temp = new TempFolder();
        Assert.Throws<ArgumentException>(() => ImageGrid.Write(zeros(2, 2, 4, 4), temp.Combine("a.png"), rows: 1));
        Assert.Throws<ArgumentException>(() => ImageGrid.Write(zeros(2, 4, 4), temp.Combine("a.png"), rows: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Write(zeros(2, 1, 4, 4), temp.Combine("a.png"), rows: 3));
        Assert.Throws<ArgumentException>(() => DenoisingStrip.Write([zeros(1, 4, 4), zeros(1, 5, 5)], temp.Combine("b.png")));
    }
}
