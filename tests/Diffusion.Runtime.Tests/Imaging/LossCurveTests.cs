using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Tests.Data;
using SixLabors.ImageSharp;
using Xunit;

namespace Diffusion.Runtime.Tests.Imaging;

public sealed class LossCurveTests
{
    [Theory]
    [InlineData(LossScale.Auto)]
    [InlineData(LossScale.Linear)]
    [InlineData(LossScale.Log)]
    public void Writes_a_png_of_the_requested_size(LossScale scale)
    {
        using var temp = new TempFolder();
        var random = new Random(0);
        float[] losses = Enumerable.Range(0, 500).Select(i => (float)(2 * Math.Exp(-i / 80.0) + 0.05 + 0.05 * random.NextDouble())).ToArray();
        losses[10] = float.NaN; // left out, not fatal
        string path = temp.Combine("plots", "loss.png");

        LossCurve.Write(losses, path, "DiT-S/2 on MNIST", width: 640, height: 360, scale: scale);

        var info = Image.Identify(path);
        Assert.NotNull(info);
        Assert.Equal((640, 360), (info.Width, info.Height));
        Assert.True(new FileInfo(path).Length > 2000);
    }

    [Fact]
    public void Log_scale_refuses_non_positive_losses_and_auto_falls_back_to_linear()
    {
        using var temp = new TempFolder();
        double[] losses = [1.0, 0.5, -0.1, 0.2];
        Assert.Throws<ArgumentException>(() => LossCurve.Write(losses, temp.Combine("a.png"), "t", scale: LossScale.Log));
        LossCurve.Write(losses, temp.Combine("b.png"), "t");
        Assert.True(File.Exists(temp.Combine("b.png")));
    }

    [Fact]
    public void Moving_average_is_a_trailing_mean()
    {
        Assert.Equal([1.0, 1.5, 2.5, 3.5], LossCurve.MovingAverage([1.0, 2, 3, 4], 2));
    }
}
