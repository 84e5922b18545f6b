using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>One tensor's entry in a safetensors header: its dtype tag (F32, F16, I64, ...) and shape.</summary>
/// <param name="DType">The safetensors dtype tag.</param>
/// <param name="Shape">The tensor's shape.</param>
public sealed record SafetensorsEntry(string DType, long[] Shape)
{
    /// <summary>The shape as PyTorch prints it, e.g. (64, 17).</summary>
    public string ShapeText => SafetensorsFile.FormatShape(Shape);
}

/// <summary>
/// Reads and writes name-to-tensor dictionaries in the safetensors format (an 8-byte little-endian header length, a
/// JSON header of dtype, shape and data offsets per tensor, then the raw bytes), which PyTorch's <c>safetensors</c>
/// package loads. Writing and reading the tensor bytes is TorchSharp.PyBridge's <see cref="Safetensors"/>; this class
/// adds durable writes (the file is flushed to disk before it is closed) and a header check that turns a truncated or
/// corrupted file into a <see cref="CheckpointException"/> naming the file, instead of a stream error.
/// </summary>
public static class SafetensorsFile
{
    private static readonly Dictionary<string, int> ElementSizes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>
    /// Writes <paramref name="tensors"/> to a new file at <paramref name="path"/> (which must not exist) in dictionary
    /// order, then flushes it through to the disk (<see cref="FileStream.Flush(bool)"/>). Tensors may live on any device.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var cpu = new Dictionary<string, Tensor>(tensors.Count);
        foreach (var (name, tensor) in tensors) cpu[name] = tensor.detach().cpu().contiguous();

        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        Safetensors.SaveStateDict(stream, cpu, leaveOpen: true);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads and checks the header of <paramref name="path"/> without reading the tensor data: the file exists, the
    /// header is JSON, every tensor's byte range lies inside the file and matches its dtype and shape.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, truncated or corrupted; the message names it.</exception>
    public static IReadOnlyDictionary<string, SafetensorsEntry> ReadHeader(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointException(path, $"Checkpoint file '{path}' is missing.");

        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new CheckpointException(path, $"Checkpoint file '{path}' is truncated: {fileLength} bytes, shorter than the 8-byte safetensors header length.");

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8) || headerLength > int.MaxValue)
            throw new CheckpointException(path, $"Checkpoint file '{path}' is truncated or not a safetensors file: its header claims {headerLength} bytes but the file has {fileLength - 8} after the length field.");

        var headerBytes = new byte[(int)headerLength];
        stream.ReadExactly(headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;

        var entries = new Dictionary<string, SafetensorsEntry>();
        try
        {
            using var document = JsonDocument.Parse(headerBytes);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                string dtype = property.Value.GetProperty("dtype").GetString() ?? "";
                long[] shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long[] offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (!ElementSizes.TryGetValue(dtype, out int elementSize))
                    throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: tensor '{property.Name}' has unknown dtype '{dtype}'.");
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                    throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: tensor '{property.Name}' has invalid data offsets.");
                if (offsets[1] > dataLength)
                    throw new CheckpointException(path, $"Checkpoint file '{path}' is truncated: tensor '{property.Name}' needs bytes {offsets[0]}..{offsets[1]} of the data section, which has {dataLength}.");
                long expected = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
                if (offsets[1] - offsets[0] != expected)
                    throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: tensor '{property.Name}' {dtype}{FormatShape(shape)} needs {expected} bytes but spans {offsets[1] - offsets[0]}.");
                entries[property.Name] = new SafetensorsEntry(dtype, shape);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: its safetensors header is not valid ({e.Message}).", e);
        }
        return entries;
    }

    /// <summary>
    /// Reads every tensor of <paramref name="path"/> onto the CPU after <see cref="ReadHeader"/> has checked the file.
    /// The caller owns (and disposes) the returned tensors.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ReadHeader(path);
        try
        {
            var loaded = Safetensors.LoadStateDict(path);
            foreach (var tensor in loaded.Values) tensor.DetachFromDisposeScope();
            return loaded;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' could not be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks <paramref name="path"/> against <paramref name="target"/> without reading tensor data: the file is intact,
    /// the names match exactly, every shape agrees and dtypes agree (any floating-point dtype may stand for another).
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="target">The destination tensors by name (a module's state dict, optimizer or EMA state).</param>
    /// <param name="what">What the file holds, for messages ("network weights", "optimizer state").</param>
    /// <exception cref="CheckpointException">The file is missing, unreadable, or its keys, shapes or dtypes do not match;
    /// the message names the file and lists every missing key, unexpected key and mismatched shape.</exception>
    public static void Check(string path, IReadOnlyDictionary<string, Tensor> target, string what)
    {
        var header = ReadHeader(path);
        var problems = new List<string>();
        var missing = target.Keys.Where(k => !header.ContainsKey(k)).ToList();
        var unexpected = header.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0) problems.Add($"missing keys [{string.Join(", ", missing)}]");
        if (unexpected.Count > 0) problems.Add($"unexpected keys [{string.Join(", ", unexpected)}]");
        var mismatched = new List<string>();
        foreach (var (name, tensor) in target)
        {
            if (!header.TryGetValue(name, out var entry)) continue;
            if (!entry.Shape.SequenceEqual(tensor.shape))
                mismatched.Add($"{name}: file {entry.ShapeText} vs model {FormatShape(tensor.shape)}");
            else if (!DTypeCompatible(entry.DType, tensor.dtype))
                mismatched.Add($"{name}: file dtype {entry.DType} vs model {tensor.dtype}");
        }
        if (mismatched.Count > 0) problems.Add($"mismatched shapes [{string.Join("; ", mismatched)}]");
        if (problems.Count > 0)
            throw new CheckpointException(path, $"Checkpoint file '{path}' ({what}) does not match the model: {string.Join("; ", problems)}.");
    }

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="target"/> (in place, under no_grad) after
    /// <see cref="Check"/>; floating-point data is converted to the target's dtype (so float16 release weights load
    /// into float32 networks) and device.
    /// </summary>
    /// <exception cref="CheckpointException">As <see cref="Check"/>.</exception>
    public static void LoadInto(string path, IReadOnlyDictionary<string, Tensor> target, string what)
    {
        Check(path, target, what);
        var loaded = Read(path);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (name, tensor) in target) tensor.copy_(loaded[name]);
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }

    /// <summary>The shape as PyTorch prints it, e.g. (64, 17).</summary>
    public static string FormatShape(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>The safetensors dtype tag of a TorchSharp dtype.</summary>
    public static string DTypeTag(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => dtype.ToString(),
    };

    private static bool DTypeCompatible(string fileTag, ScalarType target)
    {
        static bool Floating(string tag) => tag is "F64" or "F32" or "F16" or "BF16";
        string targetTag = DTypeTag(target);
        return fileTag == targetTag || (Floating(fileTag) && Floating(targetTag));
    }
}
