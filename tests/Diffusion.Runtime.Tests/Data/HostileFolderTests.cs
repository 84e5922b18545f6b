using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Tests.IO;
using Xunit;

namespace Diffusion.Runtime.Tests.Data;

/// <summary>
/// Image folders that try to hang, exhaust or multiply the loader: device links, FIFOs, link loops, second paths to a
/// folder or a file, deep trees. Each is refused naming the path, or with SkipBadFiles left out with a warning, and
/// nothing is loaded twice.
/// </summary>
public sealed class HostileFolderTests
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string existing,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string created);

    private static readonly ImageFolderOptions Digits = new(28, 28, 1, ImageFolderLayout.ClassConditional) { Classes = 10 };

    private static string Image(TempFolder temp, params string[] parts) =>
        TempFolder.WriteGray(temp.Combine(parts), 28, 28, (x, y) => (byte)(x + y));

    /// <summary>Loads on the thread pool so that a hang fails the test after 20 s instead of stalling the run.</summary>
    private static ImageFolderData LoadPromptly(string root, ImageFolderOptions options)
    {
        var task = Task.Run(() => ImageFolder.Load(root, options));
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"loading '{root}' did not finish within 20 s");
        return task.Result;
    }

    private static ImageDataException RefusedPromptly(string root, ImageFolderOptions options)
    {
        var task = Task.Run(() => ImageFolder.Load(root, options));
        try
        {
            Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"loading '{root}' did not finish within 20 s");
        }
        catch (AggregateException e) when (e.InnerException is ImageDataException refused)
        {
            return refused;
        }

        task.Result.Dispose();
        throw new Xunit.Sdk.XunitException($"'{root}' was loaded; expected an ImageDataException");
    }

    [Fact]
    public void A_link_to_dev_zero_and_a_fifo_named_png_are_refused_or_skipped()
    {
        using var temp = new TempFolder();
        Image(temp, "3", "good.png");
        string zero = temp.Combine("3", "x.png");
        File.CreateSymbolicLink(zero, "/dev/zero");

        var error = RefusedPromptly(temp.Path, Digits);
        Assert.Equal(zero, error.Path);
        Assert.Contains($"'{zero}' (a symbolic link to '/dev/zero') is a character device, not a regular file", error.Message);

        File.Delete(zero);
        string fifo = RegularFileTests.MakeFifo(temp.Combine("3", "y.png"));
        Assert.Contains($"'{fifo}' is a FIFO (named pipe), not a regular file", RefusedPromptly(temp.Path, Digits).Message);

        File.CreateSymbolicLink(zero, "/dev/urandom");
        using var data = LoadPromptly(temp.Path, Digits with { SkipBadFiles = true });
        Assert.Equal(1, data.Count);
        Assert.Equal(2, data.Warnings.Count);
        Assert.Contains(data.Warnings, w => w.Contains(zero) && w.Contains("character device"));
        Assert.Contains(data.Warnings, w => w.Contains(fifo) && w.Contains("FIFO"));
    }

    [Fact]
    public void A_link_loop_in_a_class_folder_is_refused_or_skipped_and_multiplies_nothing()
    {
        using var temp = new TempFolder();
        for (int digit = 0; digit < 10; digit++) Image(temp, digit.ToString(System.Globalization.CultureInfo.InvariantCulture), "a.png");
        string loop = temp.Combine("3", "loop");
        Directory.CreateSymbolicLink(loop, "..");
        string self = temp.Combine("5", "self");
        Directory.CreateSymbolicLink(self, ".");

        var error = RefusedPromptly(temp.Path, Digits);
        Assert.Equal(loop, error.Path);
        Assert.Contains($"'{loop}' leads back to '{temp.Path}', a folder that contains it (a symbolic link loop)", error.Message);

        using var data = LoadPromptly(temp.Path, Digits with { SkipBadFiles = true });
        Assert.Equal(10, data.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(d => (long)d), data.Labels!.data<long>().ToArray());
        Assert.Equal(2, data.Warnings.Count);
        Assert.Contains(data.Warnings, w => w.Contains(self) && w.Contains("symbolic link loop"));
    }

    [Fact]
    public void Second_paths_to_a_folder_or_a_file_count_nothing_twice()
    {
        using var temp = new TempFolder();
        string real = Image(temp, "3", "a.png");
        Image(temp, "4", "b.png");
        string folderLink = temp.Combine("4", "more");
        Directory.CreateSymbolicLink(folderLink, temp.Combine("3"));
        string fileLink = temp.Combine("4", "c.png");
        File.CreateSymbolicLink(fileLink, real);
        string hardLink = temp.Combine("4", "d.png");
        Assert.Equal(0, link(real, hardLink)); // the same inode under a second name: only (device, inode) tells

        var error = RefusedPromptly(temp.Path, Digits);
        Assert.Contains($"'{fileLink}' is the same file as '{real}'", error.Message);

        using var data = LoadPromptly(temp.Path, Digits with { SkipBadFiles = true });
        Assert.Equal([real, temp.Combine("4", "b.png")], data.Files);
        Assert.Equal([3L, 4], data.Labels!.data<long>().ToArray());
        Assert.Contains(data.Warnings, w => w.Contains($"'{folderLink}' is a second path to the folder '{temp.Combine("3")}'"));
        Assert.Contains(data.Warnings, w => w.Contains($"'{hardLink}' is the same file as '{real}'"));
    }

    [Fact]
    public void A_class_folder_linked_to_another_is_refused()
    {
        using var temp = new TempFolder();
        Image(temp, "3", "a.png");
        Directory.CreateSymbolicLink(temp.Combine("8"), temp.Combine("3"));

        var error = RefusedPromptly(temp.Path, Digits);
        Assert.Contains($"'{temp.Combine("8")}' is a second path to the folder '{temp.Combine("3")}'", error.Message);
    }

    [Fact]
    public void Folders_deeper_than_the_limit_are_refused()
    {
        using var temp = new TempFolder();
        Image(temp, "3", "a", "b", "x.png");

        var error = RefusedPromptly(temp.Path, Digits with { MaxDepth = 2 });
        Assert.Contains($"'{temp.Combine("3", "a", "b")}' is 3 folders below '{temp.Path}', deeper than the 2 walked", error.Message);
        using var data = LoadPromptly(temp.Path, Digits with { MaxDepth = 3 });
        Assert.Equal(1, data.Count);
    }

    [Fact]
    public void A_tree_with_more_entries_than_the_limit_is_refused()
    {
        using var temp = new TempFolder();
        for (int i = 0; i < 5; i++) Image(temp, "3", $"{i}.png");

        var error = RefusedPromptly(temp.Path, Digits with { MaxEntries = 4 });
        Assert.Contains($"'{temp.Path}' holds more than 4 files and folders", error.Message);
    }
}
