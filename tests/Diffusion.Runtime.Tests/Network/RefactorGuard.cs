using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using Diffusion.Runtime.Checkpoints;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Network;

/// <summary>
/// The check behind the refactor guards (issue 10): a tensor is compared bit for bit, by the SHA-256 of its float32
/// bytes, on the kernels the values were recorded with (<see cref="RecordedKernels"/>); elsewhere float32 kernels of
/// another instruction set round differently, so the recorded tensor (GuardData/, written on the recording machine)
/// must be matched within a tolerance far below what a wrong operation changes.
/// </summary>
/// <remarks>
/// Recording: with <c>REFACTOR_GUARD_RECORD</c> set to a folder, <see cref="AssertUnchanged"/> writes the tensor there
/// as GuardData/&lt;file&gt; and appends "file hash" to hashes.txt instead of comparing; the hashes go into the test's
/// constants and the files into GuardData/ in the commit that records them (on the code before the refactor).
/// </remarks>
internal static class RefactorGuard
{
    /// <summary>
    /// The kernels the hashes were recorded with (2026-12-02): a 2-core AMD EPYC with AVX-512, where ConvolutionKernels
    /// limits oneDNN to SSE4.1. GuardData/ holds the tensors recorded there with oneDNN at AVX2 (2026-12-01); the SSE4.1
    /// convolutions moved them by at most 2.5e-3 (DDIM at eta 1), 5.2e-4 (classifier-guided U-Net), 3.9e-4 (the shipped
    /// DiT's DDIM-10) and 3e-6 or less for single forward passes, losses and bound terms.
    /// </summary>
    public const string RecordedKernels = "AuthenticAMD avx512 onednn=SSE41";

    /// <summary>Asserts <paramref name="actual"/> unchanged: its hash here, else within <paramref name="otherKernelsTolerance"/> of GuardData/<paramref name="file"/>.</summary>
    public static void AssertUnchanged(Tensor actual, string file, string key, string recordedHash, double otherKernelsTolerance)
    {
        if (Environment.GetEnvironmentVariable("REFACTOR_GUARD_RECORD") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            SafetensorsFile.Write(Path.Combine(folder, file), new Dictionary<string, Tensor> { [key] = actual.detach().cpu().contiguous() });
            File.AppendAllText(Path.Combine(folder, "hashes.txt"), file + " " + Sha256(actual) + "\n");
            return;
        }
        if (Kernels() == RecordedKernels)
        {
            Assert.Equal(recordedHash, Sha256(actual));
            return;
        }
        string path = Path.Combine(AppContext.BaseDirectory, "Network", "GuardData", file);
        var expected = SafetensorsFile.Read(path, new Dictionary<string, Tensor> { [key] = actual }, "refactor guard");
        try
        {
            double difference = (actual.cpu() - expected[key]).abs().max().ToDouble();
            Assert.True(difference <= otherKernelsTolerance, $"differs from the recording by up to {difference} (kernels {Kernels()}, recorded on {RecordedKernels})");
        }
        finally
        {
            foreach (var tensor in expected.Values) tensor.Dispose();
        }
    }

    /// <summary>The CPU vendor, whether it has AVX-512, and the instruction set oneDNN is limited to.</summary>
    public static string Kernels()
    {
        string vendor = "other";
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            var (_, ebx, ecx, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0);
            int[] words = [ebx, edx, ecx];
            vendor = System.Text.Encoding.ASCII.GetString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        }
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
        string? isa = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        isa ??= vendor == "AuthenticAMD" && avx512 ? "SSE41" : "default";
        return $"{vendor} {(avx512 ? "avx512" : "avx2")} onednn={isa}";
    }

    /// <summary>SHA-256 of the tensors' values as float32, in order.</summary>
    public static string Sha256(params Tensor[] tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var tensor in tensors)
        {
            var values = tensor.contiguous().cpu().to(ScalarType.Float32).data<float>().ToArray();
            var bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            hash.AppendData(bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
