using System;
using System.IO;
using System.Security.Cryptography;
using Diffusion.Runtime.Checkpoints;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Network;

/// <summary>
/// What the refactor guards (<see cref="ShippedSamplesAreUnchangedTests"/>, <see cref="UNetSamplesAreUnchangedTests"/>)
/// share: a SHA-256 of tensor values, compared bit for bit on the kernels the hashes were recorded with, and within a
/// tolerance of the recorded tensor (GuardData/) elsewhere.
/// </summary>
internal static class GuardHash
{
    /// <summary>
    /// The machine the hashes and GuardData were recorded on (2026-12-01): a 2-core AMD EPYC with AVX-512, where
    /// ConvolutionKernels limits oneDNN to AVX2. (With oneDNN's AVX-512 kernels the DiT's samples differ by up to 4.2e-4
    /// and its forward output by 8.9e-7; the refactor was bit-identical there too.)
    /// </summary>
    public const string RecordedKernels = "AuthenticAMD avx512 onednn=AVX2";

    /// <summary>
    /// Bit for bit on the kernels the values were recorded with (<see cref="RecordedKernels"/>); elsewhere float32 kernels
    /// of another instruction set round differently, so the recorded tensor (GuardData/, written on the recording
    /// machine) must be matched within <paramref name="otherKernelsTolerance"/>, far below what a wrong operation changes.
    /// </summary>
    public static void AssertUnchanged(Tensor actual, string file, string key, string recordedHash, double otherKernelsTolerance)
    {
        if (Kernels() == RecordedKernels)
        {
            Assert.Equal(recordedHash, Sha256(actual));
            return;
        }
        string path = Path.Combine(AppContext.BaseDirectory, "Network", "GuardData", file);
        var expected = SafetensorsFile.Read(path, new System.Collections.Generic.Dictionary<string, Tensor> { [key] = actual }, "refactor guard");
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

    /// <summary>The processor vendor, its widest vector unit and the instruction set oneDNN is limited to.</summary>
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
        isa ??= vendor == "AuthenticAMD" && avx512 ? "AVX2" : "default";
        return $"{vendor} {(avx512 ? "avx512" : "avx2")} onednn={isa}";
    }

    /// <summary>SHA-256 of the tensors' values as float32, in order; names and shapes do not enter it.</summary>
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
