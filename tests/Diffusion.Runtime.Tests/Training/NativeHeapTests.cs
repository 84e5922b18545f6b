using System;
using System.IO;
using Diffusion.Runtime.Models;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Training;

/// <summary>
/// The allocator settings the runtime makes when it loads (NativeHeap): a step's large buffers, freed and allocated
/// again, reuse the heap's pages instead of faulting fresh ones in. Under glibc's defaults (128 KiB trim threshold) or
/// the former 1 MiB mmap threshold, every 8 MiB buffer below costs about 2,048 minor page faults each time.
/// </summary>
public class NativeHeapTests
{
    [Fact]
    public void A_freed_8_MiB_buffer_is_reused_without_page_faults()
    {
        if (!OperatingSystem.IsLinux()) return;
        // A user's own glibc tuning or the opt-out replaces the settings; the test is about the runtime's own.
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("DIFFUSION_NATIVE_HEAP") == "0") return;
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(ModelDescription).Module.ModuleHandle);

        const int elements = 2 << 20;    // 8 MiB of float32, 2,048 pages
        for (int warmup = 0; warmup < 3; warmup++) ones(elements).Dispose();
        long before = ThreadMinorFaults();
        for (int i = 0; i < 10; i++) ones(elements).Dispose();    // ones writes every page
        long faults = ThreadMinorFaults() - before;
        Assert.True(faults < 1_000, $"{faults} minor page faults for 10 allocations of 8 MiB (about 20,480 if each were fresh pages)");
    }

    /// <summary>This thread's minor page faults so far: field 10 of /proc/thread-self/stat.</summary>
    private static long ThreadMinorFaults()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);    // field 10 = 3rd after ')' + 7
    }
}
