using System;
using System.Collections.Generic;
using System.Linq;

namespace Examples.Mnist.Benchmarks;

/// <summary>A figure over repeated runs: its median and its spread (min and max).</summary>
internal readonly record struct Spread(double Median, double Min, double Max)
{
    public static Spread Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("a spread needs at least one value.", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    /// <summary>"12.3 [12.1-12.5]" with the given format.</summary>
    public string Format(string format) =>
        Min == Max ? Median.ToString(format) : $"{Median.ToString(format)} [{Min.ToString(format)}-{Max.ToString(format)}]";
}
