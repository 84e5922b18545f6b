using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Tests.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// train streams a folder larger than the memory it may use: the child's managed heap is capped (a GC heap hard
/// limit; .NET does not start under ulimit -v) below what the folder takes decoded in memory, and it still trains and
/// resumes exactly.
/// </summary>
public sealed class StreamingTrainTests
{
    private const int HeapLimitMib = 48;
    private const int CacheMib = 4;

    /// <summary>What the peak resident memory of the big folder's run may exceed the small folder's by, beyond the cache.</summary>
    private const int MarginMib = 32;

    private readonly ITestOutputHelper output;

    public StreamingTrainTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_folder_larger_than_the_heap_limit_trains_within_the_cache_bound_and_resumes_exactly()
    {
        string big = WriteNoise(TestTorch.TempDirectory("stream-big"), perClass: 1650);
        string small = WriteNoise(TestTorch.TempDirectory("stream-small"), perClass: 10);
        // In memory the big folder's images alone are 16,500 x 28 x 28 float32 = 49.4 MiB, above the 48 MiB heap.
        Assert.True(16_500L * 28 * 28 * sizeof(float) > HeapLimitMib << 20);

        var (straightOutput, straightDir) = Train(big, "straight", steps: 6, resume: false);
        var (_, smallDir) = Train(small, "small", steps: 6, resume: false);
        var (_, splitDir) = Train(big, "split", steps: 3, resume: false);
        var (resumedOutput, _) = Train(big, "split", steps: 6, resume: true, outDir: splitDir);

        Assert.Equal(File.ReadAllText(Path.Combine(straightDir, "loss.csv")), File.ReadAllText(Path.Combine(splitDir, "loss.csv")));
        Assert.True(Decoded(straightOutput) > 0, "no image was decoded during training: the cache held the whole folder");
        Assert.True(Decoded(resumedOutput) > 0);

        double bigPeak = Peak(straightOutput), smallPeak = Peak(File.ReadAllText(Path.Combine(smallDir, "stdout.txt")));
        output.WriteLine($"peak resident memory: {bigPeak} MiB over 16,500 images, {smallPeak} MiB over 100");
        Assert.True(bigPeak <= smallPeak + CacheMib + MarginMib,
            $"streaming 16,500 images peaked at {bigPeak} MiB, 100 images at {smallPeak} MiB; the cache is {CacheMib} MiB");
    }

    private static (string Output, string Dir) Train(string data, string name, int steps, bool resume, string? outDir = null)
    {
        outDir ??= Path.Combine(TestTorch.TempDirectory(name), "run");
        var info = ExampleCli.StartInfo([
            "train", "--model", "dit", "--data", data, "--out", outDir, "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--batch-size", "8", "--checkpoint-every", "3", "--cache-mb", CacheMib.ToString(CultureInfo.InvariantCulture),
            .. resume ? new[] { "--resume" } : []]);
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)HeapLimitMib << 20).ToString("X", CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = ExampleCli.Run(info, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"train exited with {code}:\n{stdout}\n{stderr}");
        File.WriteAllText(Path.Combine(outDir, "stdout.txt"), stdout);
        return (stdout, outDir);
    }

    private static double Peak(string stdout) =>
        double.Parse(Regex.Match(stdout, @"peak resident memory (\d+) MiB").Groups[1].Value, CultureInfo.InvariantCulture);

    private static int Decoded(string stdout) =>
        int.Parse(Regex.Match(stdout, @"(\d+) images decoded during training").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>Folders 0..9 of seeded noise 28x28 grayscale PNGs, written with one reused image.</summary>
    private static string WriteNoise(string folder, int perClass)
    {
        var random = new Random(4);
        var pixels = new byte[28 * 28];
        var encoder = new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };
        for (int digit = 0; digit < 10; digit++)
        {
            string classFolder = Path.Combine(folder, digit.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(classFolder);
            for (int i = 0; i < perClass; i++)
            {
                random.NextBytes(pixels);
                using var image = Image.LoadPixelData<L8>(pixels, 28, 28);
                image.Save(Path.Combine(classFolder, $"{i}.png"), encoder);
            }
        }
        return folder;
    }
}
