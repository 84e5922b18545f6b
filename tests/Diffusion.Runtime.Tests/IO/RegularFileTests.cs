using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.IO;

public sealed class RegularFileTests
{
    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/>; no writer ever opens it.</summary>
    internal static string MakeFifo(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
            throw new InvalidOperationException($"mkfifo '{path}' failed: errno {Marshal.GetLastPInvokeError()}.");
        return path;
    }

    /// <summary>Runs <paramref name="action"/> on the thread pool and returns its refusal; fails, rather than hanging the run, if it has not ended in 10 s.</summary>
    private static InputFileException Refused(Action action)
    {
        var task = Task.Run(action);
        try
        {
            Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "the call did not return within 10 s (it blocked on the file)");
        }
        catch (AggregateException e) when (e.InnerException is InputFileException refused)
        {
            return refused;
        }

        throw new Xunit.Sdk.XunitException("the file was accepted; expected an InputFileException");
    }

    [Fact]
    public void Reads_a_regular_file_and_a_symbolic_link_to_one()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("a.bin");
        File.WriteAllBytes(file, [1, 2, 3]);
        string link = temp.Combine("link.bin");
        File.CreateSymbolicLink(link, file);

        Assert.Equal([1, 2, 3], RegularFile.ReadAllBytes(file, 3));
        Assert.Equal([1, 2, 3], RegularFile.ReadAllBytes(link, 100));
        using var stream = RegularFile.OpenRead(link, 3);
        Assert.Equal(3, stream.Length);
        Assert.Equal(1 + 2, stream.ReadByte() + stream.ReadByte());
    }

    [Fact]
    public void Long_MaxValue_means_no_limit()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("a.bin");
        File.WriteAllBytes(file, [4, 5, 6]);
        using var stream = RegularFile.OpenRead(file, long.MaxValue);
        var read = new byte[8];
        Assert.Equal(3, stream.ReadAtLeast(read, read.Length, throwOnEndOfStream: false));
        Assert.Equal([4, 5, 6], read[..3]);
    }

    [Fact]
    public void A_link_to_dev_zero_is_refused_as_a_character_device_without_reading_it()
    {
        using var temp = new TempFolder();
        string link = temp.Combine("x.png");
        File.CreateSymbolicLink(link, "/dev/zero");

        var error = Refused(() => RegularFile.ReadAllBytes(link, 1 << 20));

        Assert.Equal(link, error.Path);
        Assert.Contains($"'{link}' (a symbolic link to '/dev/zero') is a character device, not a regular file", error.Message);
    }

    [Fact]
    public void A_fifo_is_refused_without_blocking()
    {
        using var temp = new TempFolder();
        string fifo = MakeFifo(temp.Combine("x.png"));

        var error = Refused(() => RegularFile.OpenRead(fifo, 1 << 20).Dispose());

        Assert.Contains($"'{fifo}' is a FIFO (named pipe), not a regular file", error.Message);
    }

    [Fact]
    public void A_directory_a_missing_file_and_a_link_loop_each_get_their_sentence()
    {
        using var temp = new TempFolder();
        string folder = Directory.CreateDirectory(temp.Combine("d.png")).FullName;
        string loopA = temp.Combine("a.png"), loopB = temp.Combine("b.png");
        File.CreateSymbolicLink(loopA, loopB);
        File.CreateSymbolicLink(loopB, loopA);
        string dangling = temp.Combine("gone.png");
        File.CreateSymbolicLink(dangling, temp.Combine("never-written.png"));

        Assert.Contains($"'{folder}' is a directory, not a regular file", Refused(() => RegularFile.ReadAllBytes(folder, 100)).Message);
        Assert.Contains($"'{temp.Combine("missing.png")}' does not exist", Refused(() => RegularFile.ReadAllBytes(temp.Combine("missing.png"), 100)).Message);
        Assert.Contains($"'{loopA}' is a symbolic link loop", Refused(() => RegularFile.ReadAllBytes(loopA, 100)).Message);
        Assert.Contains("which does not exist", Refused(() => RegularFile.ReadAllBytes(dangling, 100)).Message);
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_from_its_size()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("big.bin");
        File.WriteAllBytes(file, new byte[101]);

        Assert.Equal(101, RegularFile.ReadAllBytes(file, 101).Length);
        var error = Refused(() => RegularFile.ReadAllBytes(file, 100));
        Assert.Contains($"'{file}' is 101 bytes, larger than 100 bytes", error.Message);
    }

    [Fact]
    public void The_limit_holds_on_bytes_read_when_the_reported_size_is_wrong()
    {
        // /proc files are regular files that report size 0 and hold far more than 64 bytes: the size check passes,
        // the read limit must not.
        const string proc = "/proc/self/status";
        Assert.Equal(0, new FileInfo(proc).Length);
        Assert.True(RegularFile.ReadAllBytes(proc, 1 << 20).Length > 64);

        var error = Refused(() => RegularFile.ReadAllBytes(proc, 64));
        Assert.Contains($"'{proc}' is larger than 64 bytes", error.Message);
        var viaStream = Refused(() =>
        {
            using var stream = RegularFile.OpenRead(proc, 64);
            stream.CopyTo(Stream.Null);
        });
        Assert.Contains("is larger than 64 bytes", viaStream.Message);
    }
}
