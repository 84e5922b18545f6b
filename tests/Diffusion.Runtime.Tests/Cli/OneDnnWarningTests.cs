using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Diffusion.Runtime.Tests.Data;
using Xunit;

namespace Diffusion.Runtime.Tests.Cli;

/// <summary>
/// --precision bf16 warns where ConvolutionKernels holds oneDNN to SSE4.1 (an AMD processor with AVX-512, no ISA limit
/// of the user's), since bfloat16 matrix products are slower than float32 there, and stays quiet once the user lifts the
/// limit. On other processors neither run warns.
/// </summary>
public class OneDnnWarningTests
{
    private static string Example(string folder) => Path.Combine(ExampleCli.RepositoryRoot, "examples", "MnistDit", folder);

    /// <summary>CPUID's vendor read here, apart from the runtime's own check.</summary>
    private static bool AmdWithAvx512()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported || !X86Base.IsSupported) return false;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> vendor = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(vendor)) == "AuthenticAMD";
    }

    private static string Sample(string output, string? isa)
    {
        var info = ExampleCli.StartInfo(["sample", "--checkpoint", Example("reference"), "--count", "10", "--steps", "1",
            "--precision", "bf16", "--out", output]);
        info.Environment.Remove("ONEDNN_MAX_CPU_ISA");
        info.Environment.Remove("DNNL_MAX_CPU_ISA");
        if (isa is not null) info.Environment["ONEDNN_MAX_CPU_ISA"] = isa;
        var (exitCode, stdout, stderr) = ExampleCli.Run(info, TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, stdout + stderr);
        return stderr;
    }

    [Fact]
    public void Bf16_warns_only_where_oneDNN_is_held_to_SSE41()
    {
        using var folder = new TempFolder();
        string held = Sample(folder.Combine("a.png"), isa: null);
        Assert.Equal(AmdWithAvx512(), held.Contains("warning: --precision bf16: oneDNN is held to SSE4.1", StringComparison.Ordinal));
        Assert.True(held.IndexOf("--precision bf16", StringComparison.Ordinal) == held.LastIndexOf("--precision bf16", StringComparison.Ordinal), held);

        string lifted = Sample(folder.Combine("b.png"), isa: "ALL");
        Assert.DoesNotContain("oneDNN is held", lifted);
    }
}
