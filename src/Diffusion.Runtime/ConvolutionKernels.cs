using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Diffusion.Runtime;

/// <summary>
/// Keeps libtorch's convolutions correct on AMD processors with AVX-512. On a 2-core AMD EPYC with AVX-512 (Zen 4,
/// 2026-12-01) oneDNN 3.7.1, which libtorch 2.10 uses for float32 convolutions, now and then returned non-finite values
/// for every output of a convolution the first time it ran with a new shape (finite input, finite weights; the same call
/// repeated was finite), and NaN input gradients in backward: a U-Net's first forward pass could come out all NaN.
/// Limited to AVX2 kernels the forward passes were finite, but training still failed: a NaN gradient norm at a random
/// step in 4 of 12 two-step runs of a small U-Net and in 2 of 2 twelve-step runs of the MNIST U-Net. Limited to SSE4.1
/// kernels: 0 of 32 runs (AVX: 0 of 8), at 10.5 against 11.5 images/s for the MNIST U-Net (oneDNN switched off
/// altogether: 0 of 12, 8 images/s). So on AMD processors with AVX-512 this sets <c>ONEDNN_MAX_CPU_ISA=SSE41</c> in the
/// native environment before any convolution runs (oneDNN reads it once, when it first dispatches); a value the user
/// set, under this name or the older <c>DNNL_MAX_CPU_ISA</c>, wins. Only convolutions go through oneDNN here; matrix
/// products (most of a DiT) do not, except bfloat16 ones: those run on oneDNN too and crawl under SSE4.1 (0.8 GFLOP/s
/// against 135 with every kernel, docs/benchmarks.md), which <see cref="LimitsOneDnn"/> lets a host warn about. The
/// limit cannot be scoped to convolutions: oneDNN reads it once per process.
/// </summary>
public static class ConvolutionKernels
{
    private const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    private const string LegacyIsaVariable = "DNNL_MAX_CPU_ISA";

#pragma warning disable CA2255 // a module initializer, so no model or trainer can run a convolution first (see NativeHeap)
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported || !IsAmd()) return;
        if (Environment.GetEnvironmentVariable(IsaVariable) is not null || Environment.GetEnvironmentVariable(LegacyIsaVariable) is not null) return;
        try
        {
            // Environment.SetEnvironmentVariable changes only .NET's copy on Unix; oneDNN reads the C environment.
            LimitsOneDnn = setenv(IsaVariable, "SSE41", overwrite: 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No C library to tell: nothing to do.
        }
    }

    /// <summary>
    /// Whether this process holds oneDNN to SSE4.1 kernels (an AMD processor with AVX-512 and no ISA limit of the user's):
    /// then bfloat16 matrix products are slower than float32 ones.
    /// </summary>
    public static bool LimitsOneDnn { get; private set; }

    /// <summary>Whether CPUID's vendor string is "AuthenticAMD".</summary>
    private static bool IsAmd()
    {
        if (!X86Base.IsSupported) return false;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> vendor = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(vendor)) == "AuthenticAMD";
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
