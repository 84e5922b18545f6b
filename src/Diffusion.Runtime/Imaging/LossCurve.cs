using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Diffusion.Runtime.Imaging;

/// <summary>Y-axis scale of a <see cref="LossCurve"/>.</summary>
public enum LossScale
{
    /// <summary>Logarithmic when every finite loss is positive and they span at least a factor of 10; linear otherwise.</summary>
    Auto,

    /// <summary>Linear y axis.</summary>
    Linear,

    /// <summary>Logarithmic y axis (base 10); requires every finite loss to be positive.</summary>
    Log,
}

/// <summary>
/// Draws a training-loss curve as a PNG (ScottPlot, headless): the raw per-step losses as a thin light line and their
/// trailing moving average as a bold line, x axis "step" (1-based), y axis "loss". Non-finite losses are left out.
/// Written atomically.
/// </summary>
public static class LossCurve
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 900;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 500;

    /// <summary>Writes the curve of <paramref name="losses"/> (one per step) to <paramref name="path"/>.</summary>
    /// <param name="losses">Loss of each step; step i + 1 is drawn at x = i + 1.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="averageWindow">Moving-average window in steps; 0 picks max(1, count / 50).</param>
    /// <param name="scale">Y-axis scale.</param>
    public static void Write(IReadOnlyList<double> losses, string path, string title,
        int width = DefaultWidth, int height = DefaultHeight, int averageWindow = 0, LossScale scale = LossScale.Auto)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(title);
        if (width < 50 || height < 50) throw new ArgumentOutOfRangeException(nameof(width), $"The image must be at least 50x50, got {width}x{height}.");
        if (averageWindow < 0) throw new ArgumentOutOfRangeException(nameof(averageWindow), $"averageWindow must be >= 0, got {averageWindow}.");

        var steps = new List<double>(losses.Count);
        var values = new List<double>(losses.Count);
        for (int i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i])) continue;
            steps.Add(i + 1);
            values.Add(losses[i]);
        }

        int window = averageWindow > 0 ? averageWindow : Math.Max(1, values.Count / 50);
        double[] average = MovingAverage(values, window);
        bool positive = values.Count > 0 && values.All(v => v > 0);
        bool log = scale switch
        {
            LossScale.Log when !positive => throw new ArgumentException("A logarithmic loss axis needs every finite loss to be positive.", nameof(losses)),
            LossScale.Log => true,
            LossScale.Linear => false,
            _ => positive && values.Max() >= 10 * values.Min(),
        };

        using var plot = new ScottPlot.Plot();
        double[] xs = steps.ToArray();
        double[] rawY = log ? values.Select(Math.Log10).ToArray() : values.ToArray();
        double[] averageY = log ? average.Select(Math.Log10).ToArray() : average;
        if (xs.Length > 0)
        {
            var raw = plot.Add.Scatter(xs, rawY);
            raw.Color = ScottPlot.Colors.SteelBlue.WithAlpha(0.35);
            raw.LineWidth = 1;
            raw.MarkerSize = 0;
            raw.LegendText = "loss per step";

            var smooth = plot.Add.Scatter(xs, averageY);
            smooth.Color = ScottPlot.Colors.DarkBlue;
            smooth.LineWidth = 2.5f;
            smooth.MarkerSize = 0;
            smooth.LegendText = string.Create(CultureInfo.InvariantCulture, $"moving average ({window} steps)");
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        }

        if (log)
        {
            // ScottPlot draws log axes by plotting log10(y) and labelling ticks with 10^tick.
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture),
            };
        }

        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(log ? "loss (log scale)" : "loss");

        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        byte[] png = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        PngMarker.Write(fullPath, png);
    }

    /// <inheritdoc cref="Write(IReadOnlyList{double}, string, string, int, int, int, LossScale)"/>
    public static void Write(IReadOnlyList<float> losses, string path, string title,
        int width = DefaultWidth, int height = DefaultHeight, int averageWindow = 0, LossScale scale = LossScale.Auto)
    {
        ArgumentNullException.ThrowIfNull(losses);
        Write(losses.Select(l => (double)l).ToArray(), path, title, width, height, averageWindow, scale);
    }

    /// <summary>Trailing mean over the last <paramref name="window"/> values (fewer at the start): the bold line.</summary>
    /// <param name="values">The raw series.</param>
    /// <param name="window">Window length, at least 1.</param>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), $"window must be >= 1, got {window}.");
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }

        return result;
    }
}
