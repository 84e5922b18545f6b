using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
/// package loads. Every weights file of every command is read here: the network, EMA and optimizer state of a
/// checkpoint, a release, the noisy classifier, the evaluation CNN.
/// </summary>
/// <remarks>
/// Writing is TorchSharp.PyBridge's <see cref="Safetensors"/> plus a flush to disk. Reading is this class's own: the file
/// is opened by <see cref="CheckpointInput"/> (a regular file only, so a FIFO or <c>/dev/zero</c> cannot hang a load), its
/// header is parsed strictly by <see cref="SafetensorsHeader"/>, the names, shapes and dtypes are compared with what the
/// caller expects, and only then are the bytes read, from the same open file, into buffers no larger than the file
/// itself. A header can therefore neither make the reader allocate what the file does not hold, nor make two tensors
/// share bytes, nor relabel float16 data as bfloat16 where the caller knows the dtype. Every problem is a
/// <see cref="CheckpointException"/> that names the file.
/// </remarks>
public static class SafetensorsFile
{
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
    /// Reads and checks the header of <paramref name="path"/> without reading the tensor data: the file is a regular
    /// file, the header is strict JSON, and the tensors' byte ranges tile the data section exactly and match their
    /// dtypes and shapes (see <see cref="SafetensorsHeader"/>).
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, not a regular file, truncated or corrupted; the
    /// message names it.</exception>
    public static IReadOnlyDictionary<string, SafetensorsEntry> ReadHeader(string path)
    {
        using var stream = CheckpointInput.Open(path, CheckpointInput.MaxWeightsBytes);
        return SafetensorsHeader.Read(stream, path).Entries;
    }

    /// <summary>
    /// Reads every tensor of <paramref name="path"/> onto the CPU after its header has been checked (as
    /// <see cref="ReadHeader"/>), whatever its names. For weights that must fit a model use
    /// <see cref="Read(string, IReadOnlyDictionary{string, Tensor}, string, string?, IReadOnlyDictionary{string, string}?)"/>. The caller owns (and disposes)
    /// the returned tensors.
    /// </summary>
    /// <exception cref="CheckpointException">As <see cref="ReadHeader"/>.</exception>
    public static Dictionary<string, Tensor> Read(string path) => ReadTensors(path, check: null, out _);

    /// <summary>
    /// Reads the tensors of <paramref name="path"/> onto the CPU once the header matches <paramref name="expected"/>
    /// (see <see cref="Check"/>), and refuses floating-point weights that are NaN or infinite. Nothing is read from the
    /// data section before the header has passed. The caller owns (and disposes) the returned tensors.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="expected">The tensors the file must hold, by name (a module's state dict, optimizer or EMA state).</param>
    /// <param name="what">What the file holds, for messages ("network weights", "optimizer state").</param>
    /// <param name="floatingDType">The dtype tag every floating-point tensor must carry when the caller knows it (a
    /// config.json's <see cref="CheckpointConfig.WeightsDType"/>); null accepts any floating-point tag.</param>
    /// <param name="exactTensors">Floating-point tensors that carry another tag than <paramref name="floatingDType"/>,
    /// by name (a config.json's <see cref="CheckpointConfig.ExactTensors"/>).</param>
    /// <exception cref="CheckpointException">As <see cref="Check"/>, or a weight is not finite.</exception>
    public static Dictionary<string, Tensor> Read(string path, IReadOnlyDictionary<string, Tensor> expected, string what, string? floatingDType = null, IReadOnlyDictionary<string, string>? exactTensors = null)
    {
        var loaded = ReadTensors(path, entries => RequireMatch(path, entries, expected, what, floatingDType, exactTensors), out var nonFinite);
        if (nonFinite.Count == 0) return loaded;
        foreach (var tensor in loaded.Values) tensor.Dispose();
        throw new CheckpointException(path, $"Checkpoint file '{path}' ({what}) holds NaN or infinite weights in [{string.Join(", ", nonFinite)}].");
    }

    /// <summary>
    /// Checks <paramref name="path"/> against <paramref name="target"/> without reading tensor data: the header is intact
    /// (as <see cref="ReadHeader"/>), the names match exactly, every shape agrees, and dtypes agree: an integer tensor's
    /// exactly, a floating-point tensor's with <paramref name="floatingDType"/> when given (else any floating-point dtype
    /// may stand for another).
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="target">The destination tensors by name (a module's state dict, optimizer or EMA state).</param>
    /// <param name="what">What the file holds, for messages ("network weights", "optimizer state").</param>
    /// <param name="floatingDType">The dtype tag of every floating-point tensor, when the caller knows it.</param>
    /// <param name="exactTensors">Floating-point tensors that carry another tag than <paramref name="floatingDType"/>, by name.</param>
    /// <exception cref="CheckpointException">The file is missing, unreadable, or its keys, shapes or dtypes do not match;
    /// the message names the file and lists every missing key, unexpected key and mismatched shape or dtype.</exception>
    public static void Check(string path, IReadOnlyDictionary<string, Tensor> target, string what, string? floatingDType = null, IReadOnlyDictionary<string, string>? exactTensors = null) =>
        RequireMatch(path, ReadHeader(path), target, what, floatingDType, exactTensors);

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="target"/> (in place, under no_grad) after
    /// <see cref="Read(string, IReadOnlyDictionary{string, Tensor}, string, string?, IReadOnlyDictionary{string, string}?)"/> has read and checked all of them,
    /// so a refused file changes nothing; floating-point data is converted to the target's dtype (so float16 release
    /// weights load into float32 networks) and device.
    /// </summary>
    /// <exception cref="CheckpointException">As <see cref="Read(string, IReadOnlyDictionary{string, Tensor}, string, string?, IReadOnlyDictionary{string, string}?)"/>.</exception>
    public static void LoadInto(string path, IReadOnlyDictionary<string, Tensor> target, string what, string? floatingDType = null, IReadOnlyDictionary<string, string>? exactTensors = null)
    {
        var loaded = Read(path, target, what, floatingDType, exactTensors);
        try
        {
            CopyInto(loaded, target);
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }

    /// <summary>Copies tensors read by <see cref="Read(string, IReadOnlyDictionary{string, Tensor}, string, string?, IReadOnlyDictionary{string, string}?)"/> into <paramref name="target"/> under no_grad.</summary>
    internal static void CopyInto(IReadOnlyDictionary<string, Tensor> loaded, IReadOnlyDictionary<string, Tensor> target)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in target) tensor.copy_(loaded[name]);
    }

    /// <summary>
    /// Opens the file once, checks its header (and <paramref name="check"/>), then reads the data section in file order
    /// from the same handle into one buffer the size of the largest tensor, which the header check has bounded by the
    /// file's length. <paramref name="nonFinite"/> names the floating-point tensors holding NaN or infinity, found on the
    /// raw bits (libtorch's isfinite on CPU float16 costs more than the whole read).
    /// </summary>
    private static Dictionary<string, Tensor> ReadTensors(string path, Action<IReadOnlyDictionary<string, SafetensorsEntry>>? check, out List<string> nonFinite)
    {
        nonFinite = [];
        using var stream = CheckpointInput.Open(path, CheckpointInput.MaxWeightsBytes);
        var header = SafetensorsHeader.Read(stream, path);
        check?.Invoke(header.Entries);

        long largest = header.Slots.Count == 0 ? 0 : header.Slots.Max(s => s.Length);
        if (largest > Array.MaxLength)
            throw new CheckpointException(path, $"Checkpoint file '{path}' has a tensor of {largest} bytes, more than this reader loads at once ({Array.MaxLength}).");
        var loaded = new Dictionary<string, Tensor>(header.Slots.Count, StringComparer.Ordinal);
        try
        {
            var buffer = new byte[largest];
            foreach (var slot in header.Slots)
            {
                var bytes = buffer.AsSpan(0, (int)slot.Length);
                try
                {
                    stream.ReadExactly(bytes);
                }
                catch (EndOfStreamException e)
                {
                    throw new CheckpointException(path, $"Checkpoint file '{path}' shrank while it was read.", e);
                }
                if (!AllFinite(slot.Entry.DType, bytes)) nonFinite.Add(slot.Name);
                loaded[slot.Name] = ToTensor(path, slot, bytes);
            }
            return loaded;
        }
        catch (OutOfMemoryException e)
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
            throw new CheckpointException(path, $"Checkpoint file '{path}' ({stream.Length} bytes) does not fit in memory.", e);
        }
        catch
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether no element of little-endian <paramref name="bytes"/> of dtype <paramref name="tag"/> is NaN or infinite:
    /// an IEEE 754 value is not finite exactly when its exponent bits are all ones. Integer dtypes are always finite.
    /// </summary>
    private static bool AllFinite(string tag, ReadOnlySpan<byte> bytes)
    {
        switch (tag)
        {
            case "F16":
            case "BF16":
                ushort mask16 = tag == "F16" ? (ushort)0x7C00 : (ushort)0x7F80;
                for (int i = 0; i + 1 < bytes.Length; i += 2)
                    if ((BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i, 2)) & mask16) == mask16) return false;
                return true;
            case "F32":
                for (int i = 0; i + 3 < bytes.Length; i += 4)
                    if ((BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i, 4)) & 0x7F800000u) == 0x7F800000u) return false;
                return true;
            case "F64":
                for (int i = 0; i + 7 < bytes.Length; i += 8)
                    if ((BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8)) & 0x7FF0000000000000ul) == 0x7FF0000000000000ul) return false;
                return true;
            default:
                return true;
        }
    }

    /// <summary>A CPU tensor of the slot's dtype and shape holding <paramref name="bytes"/> (little-endian in the file).</summary>
    private static Tensor ToTensor(string path, SafetensorsHeader.Slot slot, Span<byte> bytes)
    {
        var entry = slot.Entry;
        if (entry.DType == "BOOL" && bytes.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: BOOL tensor '{slot.Name}' holds bytes other than 0 and 1.");
        int size = SafetensorsHeader.ElementSizes[entry.DType];
        if (!BitConverter.IsLittleEndian && size > 1)
            for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
        var tensor = empty(entry.Shape, ScalarTypeOf(entry.DType));
        try
        {
            tensor.bytes = bytes;
            tensor.DetachFromDisposeScope();
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void RequireMatch(string path, IReadOnlyDictionary<string, SafetensorsEntry> header, IReadOnlyDictionary<string, Tensor> target, string what, string? floatingDType, IReadOnlyDictionary<string, string>? exactTensors)
    {
        var problems = new List<string>();
        var missing = target.Keys.Where(k => !header.ContainsKey(k)).ToList();
        var unexpected = header.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0) problems.Add($"missing keys [{string.Join(", ", missing)}]");
        if (unexpected.Count > 0) problems.Add($"unexpected keys [{string.Join(", ", unexpected)}]");
        var shapes = new List<string>();
        var dtypes = new List<string>();
        foreach (var (name, tensor) in target)
        {
            if (!header.TryGetValue(name, out var entry)) continue;
            if (!entry.Shape.SequenceEqual(tensor.shape))
                shapes.Add($"{name}: file {entry.ShapeText} vs model {FormatShape(tensor.shape)}");
            else if (ExpectedTag(tensor.dtype, exactTensors is not null && exactTensors.TryGetValue(name, out var exact) ? exact : floatingDType) is { } tag && entry.DType != tag)
                dtypes.Add($"{name}: file {entry.DType}, expected {tag}");
            else if (!DTypeCompatible(entry.DType, tensor.dtype))
                dtypes.Add($"{name}: file dtype {entry.DType} vs model {tensor.dtype}");
        }
        if (shapes.Count > 0) problems.Add($"mismatched shapes [{string.Join("; ", shapes)}]");
        if (dtypes.Count > 0) problems.Add($"mismatched dtypes [{string.Join("; ", dtypes)}]");
        if (problems.Count > 0)
            throw new CheckpointException(path, $"Checkpoint file '{path}' ({what}) does not match the model: {string.Join("; ", problems)}.");
    }

    /// <summary>The tag a tensor of <paramref name="target"/> dtype must have, when it is fixed: the given floating tag for floating targets.</summary>
    private static string? ExpectedTag(ScalarType target, string? floatingDType) =>
        floatingDType is not null && IsFloating(DTypeTag(target)) ? floatingDType : null;

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

    /// <summary>The TorchSharp dtype of a safetensors dtype tag that <see cref="SafetensorsHeader"/> accepted.</summary>
    private static ScalarType ScalarTypeOf(string tag) => tag switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(tag), tag, "not a safetensors dtype tag"),
    };

    private static bool IsFloating(string tag) => tag is "F64" or "F32" or "F16" or "BF16";

    private static bool DTypeCompatible(string fileTag, ScalarType target)
    {
        string targetTag = DTypeTag(target);
        return fileTag == targetTag || (IsFloating(fileTag) && IsFloating(targetTag));
    }
}
