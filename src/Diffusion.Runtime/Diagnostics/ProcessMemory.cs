using System;
using System.Globalization;
using System.IO;

namespace Diffusion.Runtime.Diagnostics;

/// <summary>
/// This process's resident memory from /proc/self/status (Linux): VmRSS now, VmHWM the peak. The benchmark's PyTorch
/// peer (bench/process_memory.py) reads the same fields, so the two sides' figures mean the same thing.
/// </summary>
public static class ProcessMemory
{
    /// <summary>VmRSS, resident memory now, in MiB.</summary>
    public static double ResidentMib() => StatusKib("VmRSS") / 1024.0;

    /// <summary>VmHWM, the peak resident memory since start or since <see cref="ResetPeak"/>, in MiB.</summary>
    public static double PeakMib() => StatusKib("VmHWM") / 1024.0;

    /// <summary>Sets VmHWM to the current VmRSS (writing 5 to /proc/self/clear_refs, Linux 4.0+), so one phase's peak can be read alone.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long StatusKib(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries); // any whitespace: the kernel pads with a tab and spaces
            return long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        throw new IOException($"/proc/self/status has no {field} line: memory figures need Linux.");
    }
}
