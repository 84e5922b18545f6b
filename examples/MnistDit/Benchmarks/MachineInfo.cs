using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Examples.Mnist.Benchmarks;

/// <summary>What a benchmark figure needs beside it: the machine, the OS, the runtimes, and how busy the machine was.</summary>
internal static class MachineInfo
{
    public static string Cpu()
    {
        string model = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string flags = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        string simd = flags.Contains(" avx512f", StringComparison.Ordinal) ? "AVX-512" : flags.Contains(" avx2", StringComparison.Ordinal) ? "AVX2" : "no AVX2";
        string memory = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (1024.0 * 1024.0):F0} GiB"
            : "unknown memory";
        return $"{model}, {Environment.ProcessorCount} cores ({simd}), {memory}";
    }

    public static string OperatingSystem()
    {
        string pretty = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? Environment.OSVersion.ToString();
        string debian = File.Exists("/etc/debian_version") ? $" (debian_version {File.ReadAllText("/etc/debian_version").Trim()})" : "";
        return pretty + debian;
    }

    /// <summary>The 1-minute load average, or NaN where /proc/loadavg is absent.</summary>
    public static double LoadAverage1()
    {
        string text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : "";
        return double.TryParse(text.Split(' ').FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : double.NaN;
    }

    /// <summary>The three load averages as /proc/loadavg prints them.</summary>
    public static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
