using System;
using System.Collections.Generic;
using System.Linq;

namespace Examples.Mnist.Benchmarks;

/// <summary>
/// The per-model result table: one column per side (named with its version, so every figure carries it), each cell the
/// median [min-max] over repeats, and, when two sides ran, the ratio ours/PyTorch computed per repeat (the repeats
/// pair up, side by side in time) with its own median and spread.
/// </summary>
internal sealed class ResultTable(string[] sides, bool withRatio)
{
    private readonly List<string[]> rows = [];

    public void Section(string title) => rows.Add([title]);

    /// <param name="label">What the row measures.</param>
    /// <param name="perSide">For each side, in column order, its value in every repeat.</param>
    /// <param name="format">The numeric format of the values.</param>
    /// <param name="suffix">Appended to each value cell ("%").</param>
    /// <param name="ratio">Whether a ratio ours/PyTorch means something for this row (throughput: yes; a side's own rate: no).</param>
    public void Row(string label, IEnumerable<double[]> perSide, string format, string suffix = "", bool ratio = true)
    {
        var values = perSide.ToArray();
        var cells = new List<string> { label };
        cells.AddRange(values.Select(v => Spread.Of(v).Format(format) + suffix));
        if (withRatio)
            cells.Add(ratio ? Spread.Of(values[0].Zip(values[1], (ours, theirs) => ours / theirs).ToArray()).Format("F2") + "x" : "");
        rows.Add(cells.ToArray());
    }

    public void Print()
    {
        var header = new List<string> { "" };
        header.AddRange(sides);
        if (withRatio) header.Add($"{sides[0].Split(' ')[0]}/{sides[1].Split(' ')[0]}");
        var all = rows.Where(r => r.Length > 1).Append(header.ToArray()).ToArray();
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        string Line(string[] cells) => "     " + string.Join("   ", cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd();
        Console.WriteLine(Line(header.ToArray()));
        foreach (var row in rows) Console.WriteLine(row.Length == 1 ? $"   {row[0]}" : Line(row));
    }
}
