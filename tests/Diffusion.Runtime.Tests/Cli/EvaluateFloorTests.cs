using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Diffusion.Runtime.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// evaluate's floor: --held-out prints the Frechet distance between two real sets at the sample count, the value a
/// perfect generator would reach. The same images as --data give zero; other images a positive distance; --held-out
/// without --data is a message.
/// </summary>
public class EvaluateFloorTests
{
    private readonly ITestOutputHelper output;

    public EvaluateFloorTests(ITestOutputHelper output) => this.output = output;

    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    /// <summary>A digit folder, <paramref name="perClass"/> 28x28 images per class, patterns varied by <paramref name="seed"/>.</summary>
    private static string Digits(TempFolder temp, string name, int perClass, int seed)
    {
        var random = new Random(seed);
        for (int label = 0; label < 10; label++)
        {
            for (int i = 0; i < perClass; i++)
            {
                int a = random.Next(1, 9), b = random.Next(1, 9);
                TempFolder.WriteGray(temp.Combine(Path.Combine(name, label.ToString(CultureInfo.InvariantCulture), $"{i}.png")), 28, 28,
                    (x, y) => (byte)((x * a + y * b + 17 * label) % 256));
            }
        }
        return temp.Combine(name);
    }

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var result = ExampleCli.Run(TimeSpan.FromMinutes(3), args);
        output.WriteLine($"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
        Assert.DoesNotContain("Unhandled exception", result.Output + result.Error);
        return result;
    }

    private static double Floor(string stdout)
    {
        var match = Regex.Match(stdout, @"floor: Frechet distance (\S+) between the same (\d+) real images and (\d+) held-out");
        Assert.True(match.Success, stdout);
        Assert.Equal("10", match.Groups[3].Value); // as many held-out images as samples: 1 per class
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void HeldOutImagesPrintTheFloorZeroForTheSameImagesAndPositiveForOthers()
    {
        using var temp = new TempFolder();
        string real = Digits(temp, "real", perClass: 1, seed: 1);
        string other = Digits(temp, "other", perClass: 3, seed: 2);
        string[] common = ["evaluate", "--checkpoint", Example("reference"), "--classifier", Example("evaluation"), "--per-class", "1", "--steps", "1", "--data", real];

        var same = Run([.. common, "--held-out", real]);
        Assert.Equal(0, same.Code);
        Assert.Matches(@"sampled 10 images in \S+ s: \S+ images/s", same.Output);
        Assert.True(Math.Abs(Floor(same.Output)) < 1e-3, same.Output);

        var different = Run([.. common, "--held-out", other]);
        Assert.Equal(0, different.Code);
        Assert.True(Floor(different.Output) > 0.1, different.Output);

        var alone = Run("evaluate", "--checkpoint", Example("reference"), "--classifier", Example("evaluation"), "--held-out", real);
        Assert.Equal(1, alone.Code);
        Assert.Contains("--held-out needs --data", alone.Error);
    }
}
