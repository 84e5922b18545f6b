using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using Diffusion.Runtime.Tests.Cli;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// Runs tests/HostTestApp, a user's program of two own declarations (an unconditional RGB DiT at 16x16 and a
/// class-conditional grayscale U-Net at 8x8) whose Main is one line handing its arguments to DiffusionHost, as a child
/// process; and writes image folders for it.
/// </summary>
internal static class HostApp
{
    private static readonly Lazy<string> Dll = new(() => ExampleCli.Built(Path.Combine("tests", "HostTestApp"), "HostTestApp"));

    /// <summary>HostTestApp.dll of this test assembly's configuration.</summary>
    public static string DllPath => Dll.Value;

    /// <summary>Runs <c>dotnet HostTestApp.dll args</c> to completion (one libtorch thread, at most two minutes).</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] args) =>
        ExampleCli.Run(ExampleCli.StartInfo(Dll.Value, args), TimeSpan.FromMinutes(2));

    /// <summary><see cref="Run(string[])"/>, the command, exit code and output written to the test's log.</summary>
    public static (int ExitCode, string Output, string Error) Run(ITestOutputHelper log, params string[] args)
    {
        var result = Run(args);
        log.WriteLine($"$ {string.Join(' ', args)}\nexit {result.ExitCode}\n{result.Output}\n{result.Error}");
        return result;
    }

    /// <summary>Exit code 1 with every <paramref name="expected"/> text on standard error: a message, not a stack trace.</summary>
    public static void AssertRefused((int ExitCode, string Output, string Error) result, params string[] expected)
    {
        Assert.Equal(1, result.ExitCode);
        foreach (var text in expected) Assert.Contains(text, result.Error);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", result.Output + result.Error);
    }

    /// <summary><paramref name="count"/> seeded random RGB images of <paramref name="size"/> pixels directly in <paramref name="folder"/>.</summary>
    public static string WriteRgb(string folder, int count, int size = 16, int seed = 1)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
            TempFolder.WriteRgb(Path.Combine(folder, $"{i}.png"), size, size, (_, _) => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        return folder;
    }

    /// <summary>Folders 0..classes-1 of <paramref name="perClass"/> seeded random grayscale images each.</summary>
    public static string WriteClasses(string folder, int classes, int perClass, int size = 8, int seed = 2)
    {
        var random = new Random(seed);
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++)
                TempFolder.WriteGray(Path.Combine(folder, c.ToString(CultureInfo.InvariantCulture), $"{i}.png"), size, size, (_, _) => (byte)random.Next(256));
        return folder;
    }

    /// <summary>A PNG's width and height from its IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
