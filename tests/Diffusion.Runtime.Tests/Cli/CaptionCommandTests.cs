using System;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>The example's caption command as a user runs it: it writes captions.tsv, rewrites its own, and keeps a user's.</summary>
public sealed class CaptionCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Caption_writes_a_captions_file_every_image_is_read_with_and_keeps_a_users_file()
    {
        using var temp = new TempFolder();
        string data = ExampleCli.WriteDigits(temp.Combine("digits"), perClass: 4);
        string file = Path.Combine(data, CaptionFile.DefaultName);

        var (code, output, error) = ExampleCli.Run(Timeout, "caption", "--data", data);
        Assert.True(code == 0, error);
        Assert.Contains("for 40 images", output);
        var folder = CaptionedImageFolder.Open(data, new ImageFolderOptions(28, 28, 1, ImageFolderLayout.ClassConditional), 1 << 20);
        Assert.Equal(40, folder.Count);
        Assert.All(folder.Captions, captions => Assert.True(captions.Count >= 2));

        // Its own file is rewritten; a user's is kept unless --force.
        Assert.Equal(0, ExampleCli.Run(Timeout, "caption", "--data", data).ExitCode);
        File.WriteAllText(file, "0/00000.png\tmy own words\n");
        var refused = ExampleCli.Run(Timeout, "caption", "--data", data);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("was not written by this command", refused.Error);
        Assert.Equal("0/00000.png\tmy own words\n", File.ReadAllText(file));
        Assert.Equal(0, ExampleCli.Run(Timeout, "caption", "--data", data, "--force").ExitCode);
        Assert.StartsWith("# mnist-dit caption:", File.ReadLines(file).First());

        var missing = ExampleCli.Run(Timeout, "caption", "--data", temp.Combine("none"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", missing.Output + missing.Error);
    }
}
