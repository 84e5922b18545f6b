using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// A safetensors header parsed strictly: every tensor's dtype, shape and byte range, checked against each other and
/// against the file's length before a single tensor byte is read or allocated.
/// </summary>
/// <remarks>
/// What is refused, and why: a header length over <see cref="MaxHeaderBytes"/> (safetensors' own limit) or past the end
/// of the file; JSON that is not one object of objects, has duplicate keys (at the top or inside an entry; a lenient
/// parser keeps one of them silently, so two readers may disagree on the weights), unknown fields in an entry, or a
/// <c>__metadata__</c> that is not string to string; an unknown dtype; a negative dimension or an element count that
/// overflows; a byte range whose length is not elements times element size; byte ranges that, sorted by start, do not
/// tile the data section exactly (the format requires the buffer be fully indexed, so a gap, an overlap or trailing
/// bytes mean two tensors share bytes or data is hidden in the file).
/// </remarks>
internal sealed class SafetensorsHeader
{
    /// <summary>The largest header accepted: 100 MB, the limit of the reference implementation (huggingface/safetensors).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Bytes per element of every dtype tag this reader knows.</summary>
    public static readonly IReadOnlyDictionary<string, int> ElementSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>One tensor: its entry and its byte range [Start, End) inside the data section.</summary>
    public sealed record Slot(string Name, SafetensorsEntry Entry, long Start, long End)
    {
        /// <summary>End - Start.</summary>
        public long Length => End - Start;
    }

    private SafetensorsHeader(IReadOnlyList<Slot> tensors, long dataStart)
    {
        Slots = tensors;
        DataStart = dataStart;
    }

    /// <summary>The tensors in file order (ascending byte range).</summary>
    public IReadOnlyList<Slot> Slots { get; }

    /// <summary>The file offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>The entries by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => Slots.ToDictionary(t => t.Name, t => t.Entry, StringComparer.Ordinal);

    /// <summary>
    /// Reads and checks the header of the safetensors file open in <paramref name="stream"/> (positioned at 0, of the
    /// length that was checked when it was opened); leaves the stream at the start of the data section.
    /// </summary>
    /// <exception cref="CheckpointException">The header is truncated, too long or invalid; the message names
    /// <paramref name="path"/>.</exception>
    public static SafetensorsHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Fail(path, $"is truncated: {Number(fileLength)} bytes, shorter than the 8-byte safetensors header length");

        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, path);
        ulong headerLength = BitConverter.IsLittleEndian ? BitConverter.ToUInt64(lengthBytes) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Fail(path, $"is truncated or not a safetensors file: its header claims {headerLength.ToString(CultureInfo.InvariantCulture)} bytes but the file has {Number(fileLength - 8)} after the length field");
        if (headerLength > MaxHeaderBytes)
            throw Fail(path, $"is not a valid safetensors file: its header claims {headerLength.ToString(CultureInfo.InvariantCulture)} bytes, more than the {Number(MaxHeaderBytes)} allowed");
        if (headerLength < 2)
            throw Fail(path, $"is corrupted: its safetensors header is {headerLength.ToString(CultureInfo.InvariantCulture)} bytes, too short for a JSON object");

        var headerBytes = new byte[(int)headerLength];
        ReadExactly(stream, headerBytes, path);
        long dataStart = 8 + (long)headerLength;
        var tensors = Parse(headerBytes, path);
        CheckLayout(tensors, fileLength - dataStart, path);
        return new SafetensorsHeader(tensors, dataStart);
    }

    private static List<Slot> Parse(byte[] json, string path)
    {
        var tensors = new List<Slot>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, "the header is not a JSON object", path);
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                Next(ref reader, path);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string name = reader.GetString()!;
                if (!names.Add(name)) throw Fail(path, $"is corrupted: its safetensors header has the key '{name}' twice");
                if (name == "__metadata__") ParseMetadata(ref reader, path);
                else tensors.Add(ParseEntry(ref reader, name, path));
            }
            // Only whitespace may follow (the format pads the header with spaces); a second value is an error.
            if (reader.Read()) throw Fail(path, "is corrupted: its safetensors header has data after the JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: its safetensors header is not valid JSON ({e.Message}).", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' is corrupted: its safetensors header is not valid ({e.Message}).", e);
        }
        return tensors;
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, string path)
    {
        Expect(ref reader, JsonTokenType.StartObject, "'__metadata__' is not an object of strings", path);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) return;
            string key = reader.GetString()!;
            if (!keys.Add(key)) throw Fail(path, $"is corrupted: '__metadata__' has the key '{key}' twice");
            Expect(ref reader, JsonTokenType.String, $"'__metadata__.{key}' is not a string", path);
        }
    }

    private static Slot ParseEntry(ref Utf8JsonReader reader, string name, string path)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}' is not an object", path);
        string? dtype = null;
        long[]? shape = null, offsets = null;
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype" when dtype is null:
                    Expect(ref reader, JsonTokenType.String, $"tensor '{name}' has a dtype that is not a string", path);
                    dtype = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, $"tensor '{name}' has a shape", path);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, $"tensor '{name}' has data_offsets", path);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail(path, $"is corrupted: tensor '{name}' has the field '{field}' twice");
                default:
                    throw Fail(path, $"is corrupted: tensor '{name}' has the unknown field '{field}'");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Fail(path, $"is corrupted: tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        if (!ElementSizes.TryGetValue(dtype, out int elementSize))
            throw Fail(path, $"is corrupted: tensor '{name}' has unknown dtype '{dtype}'");
        if (offsets.Length != 2 || offsets[1] < offsets[0])
            throw Fail(path, $"is corrupted: tensor '{name}' has invalid data offsets [{string.Join(", ", offsets)}]");
        long bytes;
        try
        {
            long elements = 1;
            foreach (long dimension in shape) elements = checked(elements * dimension);
            bytes = checked(elements * elementSize);
        }
        catch (OverflowException)
        {
            throw Fail(path, $"is corrupted: tensor '{name}' {dtype}{SafetensorsFile.FormatShape(shape)} has more elements than fit in 64 bits");
        }
        if (offsets[1] - offsets[0] != bytes)
            throw Fail(path, $"is corrupted: tensor '{name}' {dtype}{SafetensorsFile.FormatShape(shape)} needs {Number(bytes)} bytes but spans {Number(offsets[1] - offsets[0])}");
        return new Slot(name, new SafetensorsEntry(dtype, shape), offsets[0], offsets[1]);
    }

    /// <summary>An array of non-negative 64-bit integers (no fractions, no exponents that leave the integers).</summary>
    private static long[] ReadIntegers(ref Utf8JsonReader reader, string what, string path)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"{what} that is not an array", path);
        var values = new List<long>();
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndArray) return values.ToArray();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                throw Fail(path, $"is corrupted: {what} with an element that is not a non-negative integer");
            values.Add(value);
        }
    }

    /// <summary>Sorted by start, the byte ranges tile [0, dataLength) with no gap, overlap or trailing byte.</summary>
    private static void CheckLayout(List<Slot> tensors, long dataLength, string path)
    {
        tensors.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.End > dataLength)
                throw Fail(path, $"is truncated: tensor '{tensor.Name}' needs bytes {Number(tensor.Start)}..{Number(tensor.End)} of the data section, which has {Number(dataLength)}");
            if (tensor.Start < expected)
                throw Fail(path, $"is corrupted: tensor '{tensor.Name}' (bytes {Number(tensor.Start)}..{Number(tensor.End)}) overlaps the tensor before it, which ends at {Number(expected)}");
            if (tensor.Start > expected)
                throw Fail(path, $"is corrupted: bytes {Number(expected)}..{Number(tensor.Start)} of the data section, before tensor '{tensor.Name}', belong to no tensor");
            expected = tensor.End;
        }
        if (expected != dataLength)
            throw Fail(path, $"is corrupted: its data section has {Number(dataLength - expected)} bytes after the last tensor that belong to no tensor");
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read()) throw Fail(path, "is corrupted: its safetensors header ends early");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string problem, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType != type) throw Fail(path, "is corrupted: " + problem);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, $"Checkpoint file '{path}' shrank while it was read.", e);
        }
    }

    private static CheckpointException Fail(string path, string problem) => new(path, $"Checkpoint file '{path}' {problem}.");

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
