using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
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

    /// <summary>
    /// The bold line is read back from the decoded pixels (ScottPlot's DarkBlue, #00008B, at the centre of the 2.5-pixel
    /// stroke). Losses 10^(-i / 250) over 500 steps fall a hundredfold along a straight line in log10: on a log axis the
    /// line's midpoint lies halfway between its ends, on a linear axis a loss of 0.1 sits a tenth of the way up from the
    /// bottom. Auto picks the log axis for a hundredfold span. The lowest dark-blue pixel of each column is the line's,
    /// since the legend's swatch sits in the upper right, above the line's low end.
    /// </summary>
    [Theory]
    [InlineData(LossScale.Log, 0.5)]
    [InlineData(LossScale.Auto, 0.5)]
    [InlineData(LossScale.Linear, 0.9)]
    public void The_average_line_falls_left_to_right_with_its_midpoint_where_the_axis_puts_it(LossScale scale, double midpointDepth)
    {
        using var temp = new TempFolder();
        double[] losses = Enumerable.Range(0, 500).Select(i => Math.Pow(10, -i / 250.0)).ToArray();
        string path = temp.Combine("loss.png");

        LossCurve.Write(losses, path, "t", width: 800, height: 500, averageWindow: 1, scale: scale);

        var line = DarkBlueBottomRows(path);
        Assert.True(line.Count > 400, $"only {line.Count} columns hold the dark-blue line");
        int left = line.Keys.Min(), right = line.Keys.Max();
        int top = line[left], bottom = line[right];
        Assert.True(bottom - top > 250, $"the line falls only from row {top} to row {bottom}");
        int middle = (left + right) / 2;
        int near = line.Keys.OrderBy(x => Math.Abs(x - middle)).First();
        double depth = (line[near] - top) / (double)(bottom - top);
        Assert.InRange(depth, midpointDepth - 0.04, midpointDepth + 0.04);
    }

    /// <summary>A gap the size of a left-out NaN step does not break the line into pieces far apart.</summary>
    [Fact]
    public void A_non_finite_loss_is_left_out_and_the_line_stays_continuous()
    {
        using var temp = new TempFolder();
        double[] losses = Enumerable.Range(0, 200).Select(i => 1.0 - i / 400.0).ToArray();
        losses[100] = double.NaN;
        string path = temp.Combine("loss.png");

        LossCurve.Write(losses, path, "t", width: 800, height: 500, averageWindow: 1, scale: LossScale.Linear);

        var line = DarkBlueBottomRows(path);
        var columns = line.Keys.Order().ToArray();
        Assert.True(columns.Length > 400);
        Assert.All(columns.Zip(columns.Skip(1)), pair => Assert.InRange(Math.Abs(line[pair.Second] - line[pair.First]), 0, 3));
    }

    /// <summary>For each column holding ScottPlot's DarkBlue (#00008B), the lowest such row.</summary>
    private static System.Collections.Generic.Dictionary<int, int> DarkBlueBottomRows(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var rows = new System.Collections.Generic.Dictionary<int, int>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image[x, y] is { R: 0, G: 0, B: 139 }) rows[x] = y;
        return rows;
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
