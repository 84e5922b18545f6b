using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Schedules;

namespace Diffusion.Runtime.Imaging;

/// <summary>
/// Draws a schedule: abar_t, beta_t, beta~_t and the posterior mean coefficients on [0, 1] against the training
/// timestep, and log10 SNR(t) on the right axis.
/// </summary>
public static class SchedulePlot
{
    /// <summary>Writes the plot as a PNG to <paramref name="path"/> (atomically).</summary>
    public static void Write(NoiseSchedule schedule, string path, string title, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(path);
        if (width < 50 || height < 50) throw new ArgumentOutOfRangeException(nameof(width), $"The image must be at least 50x50, got {width}x{height}.");
        double[] t = schedule.TimestepMap.Select(s => (double)s).ToArray();

        using var plot = new ScottPlot.Plot();
        void Line(double[] ys, string label, ScottPlot.Color color, ScottPlot.IYAxis? axis = null)
        {
            var line = plot.Add.Scatter(t, ys);
            line.LegendText = label;
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            if (axis is not null) line.Axes.YAxis = axis;
        }
        Line(schedule.AlphasCumprod.ToArray(), "abar_t", ScottPlot.Colors.DarkBlue);
        Line(schedule.Betas.ToArray(), "beta_t", ScottPlot.Colors.OrangeRed);
        Line(schedule.PosteriorVariance.ToArray(), "beta~_t", ScottPlot.Colors.DarkOrange);
        Line(schedule.PosteriorMeanCoef1.ToArray(), "posterior_mean_coef1", ScottPlot.Colors.SeaGreen);
        Line(schedule.PosteriorMeanCoef2.ToArray(), "posterior_mean_coef2", ScottPlot.Colors.MediumPurple);
        // A zero SNR (zero terminal SNR schedules) has no logarithm: it is left out of the log curve.
        var logSnr = schedule.SignalToNoise.Select(s => s > 0 ? Math.Log10(s) : double.NaN).ToArray();
        Line(logSnr, "log10 SNR(t) (right axis)", ScottPlot.Colors.Gray, plot.Axes.Right);

        plot.Title(title);
        plot.XLabel("training timestep t");
        plot.YLabel("value");
        plot.Axes.Right.Label.Text = "log10 SNR(t)";
        plot.ShowLegend(ScottPlot.Alignment.MiddleRight);

        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        byte[] png = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        PngMarker.Write(fullPath, png);
    }
}
