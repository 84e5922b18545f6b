using System;
using System.Collections.Generic;
using System.Linq;

namespace Examples.Mnist.Benchmarks;

/// <summary>The least-squares slope of resident memory over steps, the benchmark's leak figure.</summary>
internal static class RssSlope
{
    /// <summary>
    /// MiB per 1000 steps, fitted to the points after the first quarter of the run: allocator pools, caches and the
    /// JIT grow during the first steps, and that one-off growth is not a leak.
    /// </summary>
    public static double MibPer1000Steps(IReadOnlyList<RssPoint> trace)
    {
        long last = trace.Count == 0 ? 0 : trace[^1].Step;
        var points = trace.Where(p => p.Step > last / 4).ToArray();
        if (points.Length < 2) throw new ArgumentException($"a slope needs at least two points after warm-up; got {points.Length} of {trace.Count}. Run more steps.", nameof(trace));
        double meanX = points.Average(p => (double)p.Step), meanY = points.Average(p => p.Mib);
        double sxy = points.Sum(p => (p.Step - meanX) * (p.Mib - meanY));
        double sxx = points.Sum(p => (p.Step - meanX) * (p.Step - meanX));
        return sxy / sxx * 1000;
    }
}
