using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime;

/// <summary>
/// Tunes glibc's malloc for libtorch's allocation pattern: every step allocates and frees the same large activation
/// buffers. glibc's defaults serve them badly in two ways. Its dynamic mmap threshold starts at 128 KiB, so the first
/// buffers of each size get fresh mappings whose pages fault in on first touch; and its 128 KiB trim threshold returns
/// the free top of the heap to the kernel after a step's buffers are freed, so the next step faults the same pages in
/// again (a latent DiT's training ran 44,000 minor faults a second and 30 images/s; with both thresholds raised, none
/// and 73). So this sets, when the library loads, a fixed 32 MiB mmap threshold (glibc's own dynamic maximum on 64-bit:
/// activations up to it are reused from the heap) and a 1 GiB trim threshold (the heap keeps its working set).
/// Guided DDIM-20 sampling of 60 MNIST digits took 12.7 s of CPU time instead of 37 s with glibc's defaults and 46 s
/// with this class's former fixed 1 MiB mmap threshold, at the same 0.35 GB peak (docs/benchmarks.md).
/// The heap no longer fragments as it did before TorchSharp's temporary Scalars were disposed explicitly (they sat
/// between large buffers; the generated code and the runtime's hot paths now dispose them, and tests scan for them).
/// A user's own <c>MALLOC_MMAP_THRESHOLD_</c> or <c>MALLOC_TRIM_THRESHOLD_</c> wins for that setting, and a host
/// turns both off with <c>DIFFUSION_NATIVE_HEAP=0</c> (DEVELOPERS.md, "Native memory").
/// </summary>
internal static class NativeHeap
{
    /// <summary>Set to 0, glibc's own thresholds stay: the settings are skipped.</summary>
    internal const string OptOutVariable = "DIFFUSION_NATIVE_HEAP";

    /// <summary>M_TRIM_THRESHOLD in glibc's malloc.h.</summary>
    private const int TrimThresholdParameter = -1;

    /// <summary>M_MMAP_THRESHOLD in glibc's malloc.h.</summary>
    private const int MmapThresholdParameter = -3;

    /// <summary>Allocations from this size up get their own mapping: glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit.</summary>
    internal const int LargeAllocationBytes = 32 << 20;

    /// <summary>The free top of the heap is returned to the kernel only beyond this size.</summary>
    internal const int TrimBytes = 1 << 30;

    // A module initializer runs before any of this library's code, so every model, trainer and sampler gets the setting
    // without a call to remember; a library normally should not use one (CA2255), which is the point here.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux()) return;
        // A host can turn the settings off (DEVELOPERS.md, "Native memory"); the user's own glibc tuning wins per setting.
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0") return;
        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) mallopt(MmapThresholdParameter, LargeAllocationBytes);
            if (Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null) mallopt(TrimThresholdParameter, TrimBytes);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): nothing to tune.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
