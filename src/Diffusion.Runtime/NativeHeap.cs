using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diffusion.Runtime;

/// <summary>
/// Keeps glibc's heap from fragmenting under libtorch's allocation pattern. TorchSharp leaves small native objects (the
/// Scalars it makes from double operands, which only a finalizer frees) between the large activation buffers of one
/// step; glibc's dynamic mmap threshold puts those buffers on the heap after the first free, and the small leftovers
/// then keep it from reusing or returning them, so resident memory grows with every step (guided DDIM-50 sampling of 60
/// MNIST digits peaked at 5.6 GB, 100 MB per step). A fixed 1 MiB threshold serves every large tensor from its own
/// mapping, returned on free: the same run peaks at 0.34 GB, and runs faster (docs/benchmarks.md).
/// </summary>
internal static class NativeHeap
{
    /// <summary>Set to 0, glibc's own dynamic threshold stays: the setting is skipped.</summary>
    internal const string OptOutVariable = "DIFFUSION_NATIVE_HEAP";

    /// <summary>M_MMAP_THRESHOLD in glibc's malloc.h.</summary>
    private const int MmapThresholdParameter = -3;

    /// <summary>Allocations from this size up get their own mapping.</summary>
    private const int LargeAllocationBytes = 1 << 20;

    // A module initializer runs before any of this library's code, so every model, trainer and sampler gets the setting
    // without a call to remember; a library normally should not use one (CA2255), which is the point here.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux()) return;
        // The user's own glibc tuning wins, and a host can turn the setting off (DEVELOPERS.md, "Native memory").
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0") return;
        try
        {
            mallopt(MmapThresholdParameter, LargeAllocationBytes);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): nothing to tune.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
