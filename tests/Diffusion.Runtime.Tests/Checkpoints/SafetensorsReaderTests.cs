using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Data;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// The strict safetensors reader: it reads what PyBridge writes bit for bit, and refuses every header the format does
/// not allow (or that would let two readers disagree) with a <see cref="CheckpointException"/> naming the file.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SafetensorsReaderTests
{
    [Fact]
    public void Float16BFloat16Float32AndInt64ReadBackBitForBitAsPyBridgeReadsThem()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("mixed.safetensors");
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var special = tensor(new[] { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, 65504f, 3.14159f });
        var values = cat([randn(new long[] { 40 }, generator: generator) * 100, special]).reshape(6, 8);
        var written = new Dictionary<string, Tensor>
        {
            ["f32"] = values,
            ["f16"] = values.to(ScalarType.Float16),
            ["bf16"] = values.to(ScalarType.BFloat16),
            ["i64"] = tensor(new[] { long.MinValue, -1L, 0L, 1L, long.MaxValue, 123456789012345L }).reshape(2, 3),
            ["scalar"] = tensor(2.5f),
        };
        SafetensorsFile.Write(path, written);

        var ours = SafetensorsFile.Read(path);
        var theirs = Safetensors.LoadStateDict(path);
        try
        {
            Assert.Equal(written.Keys.Order(), ours.Keys.Order());
            foreach (var (name, original) in written)
            {
                Assert.Equal(original.dtype, ours[name].dtype);
                Assert.Equal(original.shape, ours[name].shape);
                Assert.Equal(theirs[name].dtype, ours[name].dtype);
                Assert.Equal(theirs[name].shape, ours[name].shape);
                // Bytes, not values: NaN and -0 must survive too.
                Assert.Equal(original.contiguous().bytes.ToArray(), ours[name].bytes.ToArray());
                Assert.Equal(theirs[name].bytes.ToArray(), ours[name].bytes.ToArray());
            }
        }
        finally
        {
            foreach (var t in ours.Values.Concat(theirs.Values)) t.Dispose();
        }
    }

    private const string A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    /// <summary>A header, the data section's length, and what the refusal must say.</summary>
    public static IEnumerable<object[]> BadHeaders() => new[]
    {
        new object[] { "overlapping offsets", "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlaps the tensor before it" },
        ["two tensors on the same bytes", "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "overlaps"],
        ["a gap", "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20, "bytes 8..12 of the data section, before tensor 'b', belong to no tensor"],
        ["trailing bytes", "{" + A + "}", 12, "4 bytes after the last tensor"],
        ["a duplicate key", "{" + A + "," + A + "}", 8, "has the key 'a' twice"],
        ["a duplicate key spelled with an escape", "{" + A + ",\"\\u0061\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "has the key 'a' twice"],
        ["a duplicate field", "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "has the field 'dtype' twice"],
        ["an unknown field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"stride\":[1]}}", 8, "unknown field 'stride'"],
        ["a missing field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "lacks data_offsets"],
        ["metadata that is not a string", "{\"__metadata__\":{\"format\":1}," + A + "}", 8, "'__metadata__.format' is not a string"],
        ["duplicate metadata keys", "{\"__metadata__\":{\"k\":\"x\",\"k\":\"y\"}," + A + "}", 8, "'__metadata__' has the key 'k' twice"],
        ["metadata twice", "{\"__metadata__\":{},\"__metadata__\":{}," + A + "}", 8, "has the key '__metadata__' twice"],
        ["a negative dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "not a non-negative integer"],
        ["a fractional dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "not a non-negative integer"],
        ["an element count that overflows", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}", 8, "more elements than fit in 64 bits"],
        ["an unknown dtype", "{\"a\":{\"dtype\":\"F8\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype 'F8'"],
        ["a byte range of the wrong length", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes but spans 8"],
        ["offsets backwards", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8, "invalid data offsets"],
        ["a range past the end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "is truncated"],
        ["an array header", "[1,2]", 0, "not a JSON object"],
        ["a second JSON value", "{" + A + "} {}", 8, "not valid JSON"],
        ["a comment", "{/* x */" + A + "}", 8, "not valid JSON"],
        ["a trailing comma", "{" + A + ",}", 8, "not valid JSON"],
        ["an entry that is not an object", "{\"a\":[1]}", 0, "tensor 'a' is not an object"],
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void AHeaderTheFormatDoesNotAllowIsRefusedNamingTheFile(string what, string header, int dataLength, string expected)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("bad.safetensors");
        File.WriteAllBytes(path, TestReleases.Build(header, new byte[dataLength]));

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.ReadHeader(path));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.True(error.Message.Length < 400, $"{what}: {error.Message}");
        Assert.Throws<CheckpointException>(() => SafetensorsFile.Read(path));
    }

    [Fact]
    public void MetadataZeroSizedTensorsAndSpacePaddingAreAccepted()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("good.safetensors");
        string header = "{\"__metadata__\":{\"format\":\"pt\"},\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]}," + A + "}    ";
        File.WriteAllBytes(path, TestReleases.Build(header, BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).ToArray()));
        var tensors = SafetensorsFile.Read(path);
        Assert.Equal(new long[] { 0, 3 }, tensors["empty"].shape);
        Assert.Equal(new[] { 1.5f, -2f }, tensors["a"].data<float>().ToArray());
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Theory]
    [InlineData(0UL, "too short for a JSON object")]
    [InlineData(1UL << 40, "is truncated or not a safetensors file")]
    [InlineData(ulong.MaxValue, "is truncated or not a safetensors file")]
    public void AHeaderLengthOutsideTheFileIsRefusedBeforeAnythingIsAllocated(ulong claimed, string expected)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("length.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(claimed), .. "{}"u8]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated as the header claims");
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AHeaderLongerThan100MBIsRefusedEvenWhenTheFileHoldsIt()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("huge.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(BitConverter.GetBytes(100_000_001UL));
            stream.SetLength(8 + 100_000_001 + 8); // sparse: nothing is written
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.ReadHeader(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated the claimed header");
        Assert.Contains("more than the 100000000 allowed", error.Message);
    }

    [Fact]
    public void Float16WeightsRelabelledBFloat16AreRefusedByTheReleasesDeclaredDType()
    {
        var (_, release) = TestReleases.Export(new TinyDenoiser(), "bf16");
        string path = Path.Combine(release, CheckpointLayout.ModelFile);
        TestReleases.EditHeader(path, header => header.Replace("\"F16\"", "\"BF16\""));
        TestReleases.Restamp(release); // the checksums pass: the reader must see it
        SafetensorsFile.ReadHeader(path); // a well-formed file on its own

        var model = new TinyDenoiser(initSeed: 9);
        var before = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        foreach (bool verify in new[] { true, false })
        {
            var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(model, release, verify: verify));
            Assert.Equal(path, error.Path);
            Assert.Contains("mismatched dtypes [", error.Message);
            Assert.Contains("fc1.weight: file BF16, expected F16", error.Message);
        }
        foreach (var (name, tensor) in before) Assert.True(tensor.equal(model.Network.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedOnLoadNamingTheTensor()
    {
        var (_, release) = TestReleases.Export(new TinyDenoiser(), "nonfinite");
        string path = Path.Combine(release, CheckpointLayout.ModelFile);
        var bytes = File.ReadAllBytes(path);
        var (header, _) = TestReleases.Split(bytes);
        var fc2 = SafetensorsFile.ReadHeader(path)["fc2.bias"];
        Assert.Equal("F16", fc2.DType);
        int start = 8 + System.Text.Encoding.UTF8.GetByteCount(header) + OffsetOf(header, "fc2.bias");
        bytes[start] = 0x00;
        bytes[start + 1] = 0x7C; // float16 +infinity
        File.WriteAllBytes(path, bytes);
        TestReleases.Restamp(release);
        var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.LoadForSampling(new TinyDenoiser(), release));
        Assert.Contains("NaN or infinite weights in [fc2.bias]", error.Message);
        Assert.Contains($"'{path}'", error.Message);
    }

    private static int OffsetOf(string header, string name)
    {
        int at = header.IndexOf($"\"{name}\":", StringComparison.Ordinal);
        int offsets = header.IndexOf("\"data_offsets\":[", at, StringComparison.Ordinal) + "\"data_offsets\":[".Length;
        return int.Parse(header[offsets..header.IndexOf(',', offsets)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
