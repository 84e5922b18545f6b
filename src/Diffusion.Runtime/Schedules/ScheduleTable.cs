using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Diffusion.Runtime.Schedules;

/// <summary>
/// A schedule's tables as rows, one per step, under improved-diffusion's names (so they can be diffed against its
/// <c>GaussianDiffusion</c> attributes), written as CSV or JSON.
/// </summary>
public static class ScheduleTable
{
    /// <summary>The columns in order: name and the table it reads.</summary>
    public static IReadOnlyList<(string Name, Func<NoiseSchedule, int, double> Value)> Columns { get; } =
    [
        ("timestep", (s, i) => s.TimestepMap[i]),
        ("betas", (s, i) => s.Betas[i]),
        ("alphas", (s, i) => s.Alphas[i]),
        ("alphas_cumprod", (s, i) => s.AlphasCumprod[i]),
        ("alphas_cumprod_prev", (s, i) => s.AlphasCumprodPrev[i]),
        ("sqrt_alphas_cumprod", (s, i) => s.SqrtAlphasCumprod[i]),
        ("sqrt_one_minus_alphas_cumprod", (s, i) => s.SqrtOneMinusAlphasCumprod[i]),
        ("posterior_variance", (s, i) => s.PosteriorVariance[i]),
        ("posterior_log_variance_clipped", (s, i) => s.PosteriorLogVarianceClipped[i]),
        ("posterior_mean_coef1", (s, i) => s.PosteriorMeanCoef1[i]),
        ("posterior_mean_coef2", (s, i) => s.PosteriorMeanCoef2[i]),
        ("snr", (s, i) => s.SignalToNoise[i]),
    ];

    /// <summary>A header line, then one line per step; numbers in invariant round-trip format.</summary>
    public static void WriteCsv(NoiseSchedule schedule, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("step");
        foreach (var (name, _) in Columns) writer.Write("," + name);
        writer.Write('\n');
        for (int i = 0; i < schedule.Length; i++)
        {
            writer.Write(i.ToString(CultureInfo.InvariantCulture));
            foreach (var (_, value) in Columns) writer.Write("," + value(schedule, i).ToString("R", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    /// <summary>A JSON object with one array per column (the step index included), in step order.</summary>
    public static void WriteJson(NoiseSchedule schedule, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("length", schedule.Length);
        foreach (var (name, value) in Columns)
        {
            json.WriteStartArray(name);
            for (int i = 0; i < schedule.Length; i++) json.WriteNumberValue(value(schedule, i));
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}
