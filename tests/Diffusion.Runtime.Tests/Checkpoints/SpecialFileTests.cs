using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Training;
using Xunit;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// A checkpoint file that is not a regular file (a FIFO, a symbolic link to /dev/zero) is refused at once by name,
/// whether the checksums or the reader meet it first: opening a FIFO blocks until a writer comes, and /dev/zero never
/// ends, so reading either would hang the command.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SpecialFileTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(20);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    /// <summary>Runs <paramref name="action"/> on another thread and fails the test if it has not ended within <see cref="Quickly"/>.</summary>
    private static CheckpointException RefusedQuickly(Action action)
    {
        var task = Task.Run(() => Assert.Throws<CheckpointException>(action));
        Assert.True(task.Wait(Quickly), "the load did not return: it is reading a special file");
        return task.Result;
    }

    private static string ReleaseWith(string name, Action<string> replaceModel)
    {
        var (_, release) = TestReleases.Export(new TinyDenoiser(), name);
        string model = Path.Combine(release, CheckpointLayout.ModelFile);
        File.Delete(model);
        replaceModel(model); // SHA256SUMS still lists model.safetensors
        return release;
    }

    [Fact]
    public void ASymbolicLinkToDevZeroListedInTheManifestIsRefusedAtOnce()
    {
        if (!OperatingSystem.IsLinux()) return;
        string release = ReleaseWith("devzero", model => File.CreateSymbolicLink(model, "/dev/zero"));
        string path = Path.Combine(release, CheckpointLayout.ModelFile);

        var error = RefusedQuickly(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), release));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}' (a symbolic link to '/dev/zero') is a character device, not a regular file", error.Message);

        // Unverified, the reader meets it first, and refuses it the same way.
        error = RefusedQuickly(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), release, verify: false));
        Assert.Contains("is a character device", error.Message);
    }

    [Fact]
    public void AFifoListedInTheManifestIsRefusedAtOnce()
    {
        if (!OperatingSystem.IsLinux()) return;
        string release = ReleaseWith("fifo", model => Assert.Equal(0, MakeFifo(model, Convert.ToUInt32("600", 8))));
        string path = Path.Combine(release, CheckpointLayout.ModelFile);

        var error = RefusedQuickly(() => CheckpointVerification.Verify(release));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}' is a FIFO (named pipe), not a regular file", error.Message);
        error = RefusedQuickly(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), release, verify: false));
        Assert.Contains("is a FIFO", error.Message);
    }

    [Fact]
    public void AFifoConfigOrManifestIsRefusedAtOnce()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (_, release) = TestReleases.Export(new TinyDenoiser(), "fifo-config");
        string config = Path.Combine(release, CheckpointLayout.ConfigFile);
        File.Delete(config);
        Assert.Equal(0, MakeFifo(config, Convert.ToUInt32("600", 8)));
        Assert.Contains("is a FIFO", RefusedQuickly(() => CheckpointVerification.Verify(release)).Message);
        Assert.Contains("is a FIFO", RefusedQuickly(() => CheckpointVerification.Verify(release, verify: false)).Message);

        string manifest = Path.Combine(release, CheckpointManifest.FileName);
        File.Delete(manifest);
        File.CreateSymbolicLink(manifest, "/dev/zero");
        Assert.Contains($"'{manifest}' (a symbolic link to '/dev/zero') is a character device", RefusedQuickly(() => CheckpointVerification.Verify(release)).Message);
    }
}
