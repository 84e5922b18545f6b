using System;
using System.IO;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Tests.IO;
using Xunit;
using Xunit.Abstractions;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// Hostile data folders given to the example's <c>train</c>, as a user would: a link to /dev/zero named x.png, a FIFO
/// named x.png, a symbolic link loop in a class folder, folders numbered 1..10, a file given as --data. Before issue
/// 12 these ran out of memory, hung, multiplied the data set or trained every digit under the wrong label. Each must
/// end within seconds with exit code 1 and a message naming the path, never a stack trace; with --skip-bad-images the
/// bad entries are left out with a warning each and training goes on.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempFolder folder = new();
    private readonly ITestOutputHelper output;

    public HostileInputTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => folder.Dispose();

    private (int ExitCode, string Output, string Error) Train(string data, params string[] extra)
    {
        string[] args = ["train", "--data", data, "--out", folder.Combine("run-" + Guid.NewGuid().ToString("N")[..6]), "--steps", "1",
            "--batch-size", "2", "--checkpoint-every", "1", .. extra];
        var result = ExampleCli.Run(Timeout, args);
        output.WriteLine($"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
        return result;
    }

    private static void RefusedNaming((int ExitCode, string Output, string Error) result, string sentence)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {sentence}", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }

    private string Digits() => ExampleCli.WriteDigits(folder.Combine("data"), perClass: 1);

    [Fact]
    public void A_link_to_dev_zero_named_png_is_refused()
    {
        string data = Digits();
        string link = Path.Combine(data, "3", "x.png");
        File.CreateSymbolicLink(link, "/dev/zero");

        RefusedNaming(Train(data), $"'{link}' (a symbolic link to '/dev/zero') is a character device, not a regular file.");
    }

    [Fact]
    public void A_fifo_named_png_is_refused_without_hanging()
    {
        string data = Digits();
        string fifo = RegularFileTests.MakeFifo(Path.Combine(data, "3", "x.png"));

        RefusedNaming(Train(data), $"'{fifo}' is a FIFO (named pipe), not a regular file.");
    }

    [Fact]
    public void A_link_loop_in_a_class_folder_is_refused()
    {
        string data = Digits();
        string loop = Path.Combine(data, "3", "loop");
        Directory.CreateSymbolicLink(loop, "..");

        RefusedNaming(Train(data), $"'{loop}' leads back to '{data}', a folder that contains it (a symbolic link loop)");
    }

    [Fact]
    public void With_skip_bad_images_each_hostile_entry_is_a_warning_and_training_runs_on_the_rest()
    {
        string data = Digits();
        string zero = Path.Combine(data, "3", "x.png"), fifo = Path.Combine(data, "4", "x.png"), loop = Path.Combine(data, "5", "loop");
        File.CreateSymbolicLink(zero, "/dev/zero");
        RegularFileTests.MakeFifo(fifo);
        Directory.CreateSymbolicLink(loop, "..");

        var result = Train(data, "--skip-bad-images");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Contains($"warning: skipped '{zero}' (a symbolic link to '/dev/zero') is a character device", result.Error);
        Assert.Contains($"warning: skipped '{fifo}' is a FIFO (named pipe)", result.Error);
        Assert.Contains($"warning: skipped '{loop}' leads back to '{data}'", result.Error);
        Assert.Contains("[train] 10 images in 10 classes; labels: 0=0, 1=1, 2=2", result.Output);
    }

    [Fact]
    public void Folders_numbered_one_to_ten_are_refused_instead_of_shifting_every_label()
    {
        string data = folder.Combine("shifted");
        for (int n = 1; n <= 10; n++)
            TempFolder.WriteGray(Path.Combine(data, n.ToString(System.Globalization.CultureInfo.InvariantCulture), "a.png"), 28, 28, (x, y) => (byte)(x * y));

        RefusedNaming(Train(data), $"Class folders in '{data}' are numbered '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', but 10 classes are expected, numbered 0..9: folder '10' is outside them.");
    }

    [Fact]
    public void A_file_given_as_the_data_folder_is_called_a_file()
    {
        string file = folder.Combine("digits.png");
        TempFolder.WriteGray(file, 28, 28, (_, _) => 0);

        RefusedNaming(Train(file), $"--data {file}: is a file, not a folder.");
    }
}
