using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Checkpoints;

/// <summary>
/// Seeded random damage to a real release's model.safetensors (TinyLinearModel's DiT, float16): header length, dtype,
/// shape and offset edits, duplicate, deleted and added keys, metadata, random header bytes, truncation, appended bytes
/// and flipped data bytes; half the cases re-stamp SHA256SUMS so that the reader, not the checksum, meets the damage.
/// </summary>
/// <remarks>
/// What "identical" means: a case that loads must give bit-for-bit the original network's output on a fixed input,
/// unless the damage can only have changed tensor data with the checksums re-stamped (<see cref="Kind.DataFlip"/>,
/// and <see cref="Kind.OffsetSwap"/> of two equally long byte ranges, which is a valid file holding other data): such a
/// file is a different but well-formed release, and loading it is right as long as its weights are finite. Every
/// other case either loads identically (an edit that changes nothing, or only JSON whitespace) or is refused with a
/// <see cref="CheckpointException"/> whose message names the file or the directory. Nothing may throw another
/// exception type, hang, allocate (managed) more than <see cref="AllocationBound"/>, or change the model's weights
/// when it is refused.
/// </remarks>
[Collection(TorchGlobalStateCollection.Name)]
public class CheckpointFuzzTests
{
    /// <summary>The kinds of damage; cases cycle through them.</summary>
    public enum Kind { HeaderLength, DTypeSwap, ShapeEdit, OffsetEdit, OffsetSwap, DuplicateKey, DeletedKey, AddedKey, Metadata, HeaderByte, Truncation, Appended, DataFlip }

    private enum Outcome { LoadedIdentical, LoadedChanged, RefusedByChecksum, RefusedByParser, RefusedByModelCheck, RefusedNonFinite }

    private const int Cases = 3900;
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(4);
    private static readonly Regex Entry = new("\"(?<name>[^\"]+)\":\\{\"dtype\":\"(?<dtype>[^\"]*)\",\"shape\":\\[(?<shape>[^\\]]*)\\],\"data_offsets\":\\[(?<a>\\d+),(?<b>\\d+)\\]\\}", RegexOptions.CultureInvariant);

    private readonly ITestOutputHelper output;

    public CheckpointFuzzTests(ITestOutputHelper output) => this.output = output;

    /// <summary>One header entry, its fields as raw JSON text so that edits can make them invalid.</summary>
    private sealed record Field(string Name, string DType, string Shape, string Start, string End)
    {
        public string Json => $"\"{Name}\":{{\"dtype\":\"{DType}\",\"shape\":[{Shape}],\"data_offsets\":[{Start},{End}]}}";
    }

    /// <summary>Managed bytes one case may allocate: the file several times over (read, hash, copies) plus 4 MiB.</summary>
    private long AllocationBound => 8 * originalFile.Length + (4 << 20);

    private byte[] originalFile = [];

    [Fact]
    public async Task DamagedReleasesLoadIdenticallyOrAreRefusedByNameAndNeverCrashHangOrOverAllocate()
    {
        var task = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await task.WaitAsync(Watchdog);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the fuzz did not finish within {Watchdog}: a case hangs");
        }
    }

    private void Run()
    {
        var model = new TinyLinearModel();
        // adaLN-Zero starts every block as the identity and the output at zero, so an untrained DiT's output hides most
        // of its weights: give every tensor seeded random values first.
        using (var noGrad = no_grad())
        using (var generator = new Generator(5))
            foreach (var (_, tensor) in model.Network.state_dict())
                if (tensor.is_floating_point()) tensor.copy_(randn(tensor.shape, generator: generator) * 0.3);
        var (_, release) = TestReleases.Export(model, "fuzz");
        string modelPath = Path.Combine(release, CheckpointLayout.ModelFile);
        originalFile = File.ReadAllBytes(modelPath);
        var (header, data) = TestReleases.Split(originalFile);
        var fields = Entry.Matches(header).Select(m => new Field(m.Groups["name"].Value, m.Groups["dtype"].Value, m.Groups["shape"].Value, m.Groups["a"].Value, m.Groups["b"].Value)).ToList();
        Assert.Equal(header, "{" + string.Join(",", fields.Select(f => f.Json)) + "}"); // the edits start from the exact original text
        Assert.True(fields.Count > 10, $"{fields.Count} tensors");

        // The case directory: the release's config.json, the damaged model.safetensors and a manifest.
        string work = TestTorch.TempDirectory("fuzz-case");
        File.Copy(Path.Combine(release, CheckpointLayout.ConfigFile), Path.Combine(work, CheckpointLayout.ConfigFile));
        byte[] originalManifest = File.ReadAllBytes(Path.Combine(release, CheckpointManifest.FileName));
        string configHash = CheckpointManifest.Hash(Path.Combine(work, CheckpointLayout.ConfigFile));
        string casePath = Path.Combine(work, CheckpointLayout.ModelFile);

        using var probeGenerator = new Generator(11);
        using var x = randn(new long[] { 3, 1, 4, 4 }, generator: probeGenerator);
        using var t = tensor(new long[] { 0, 500, 999 });
        CheckpointLoader.LoadForSampling(model, release);
        var loadedState = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        using var expected = Output(model, x, t);

        var counts = new Dictionary<(Kind, bool, Outcome), int>();
        long maxAllocated = 0;
        double maxSeconds = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            var kind = (Kind)(i % Enum.GetValues<Kind>().Length);
            bool restamp = i / Enum.GetValues<Kind>().Length % 2 == 0;
            var random = new Random(1000 + i);
            byte[] damaged = Damage(kind, random, header, data, fields);
            File.WriteAllBytes(casePath, damaged);
            if (restamp)
                File.WriteAllText(Path.Combine(work, CheckpointManifest.FileName),
                    $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(damaged))}  {CheckpointLayout.ModelFile}\n{configHash}  {CheckpointLayout.ConfigFile}\n");
            else File.WriteAllBytes(Path.Combine(work, CheckpointManifest.FileName), originalManifest);

            string label = $"case {i} ({kind}, {(restamp ? "re-stamped" : "original checksums")})";
            Outcome outcome;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            try
            {
                CheckpointLoader.LoadForSampling(model, work);
                using var actual = Output(model, x, t);
                // Identical: every weight bit for bit, hence the output too.
                bool same = actual.equal(expected).all().item<bool>()
                            && model.Network.state_dict().All(kv => kv.Value.equal(loadedState[kv.Key]).all().item<bool>());
                outcome = same ? Outcome.LoadedIdentical : Outcome.LoadedChanged;
                if (!same && !(restamp && kind is Kind.DataFlip or Kind.OffsetSwap))
                    Assert.Fail($"{label}: loaded with a different output, but the damage was not to the data alone.");
            }
            catch (CheckpointException e)
            {
                Assert.True(e.Message.Contains(work, StringComparison.Ordinal), $"{label}: the message does not name the file: {e.Message}");
                Assert.DoesNotContain("   at ", e.Message);
                outcome = e.Message.Contains("fails its checksum", StringComparison.Ordinal) ? Outcome.RefusedByChecksum
                    : e.Message.Contains("does not match the model", StringComparison.Ordinal) ? Outcome.RefusedByModelCheck
                    : e.Message.Contains("NaN or infinite", StringComparison.Ordinal) ? Outcome.RefusedNonFinite
                    : Outcome.RefusedByParser;
                // Refused: the network still holds the weights it had.
                foreach (var (name, tensor) in model.Network.state_dict())
                    Assert.True(tensor.equal(loadedState[name]).all().item<bool>(), $"{label}: refused, but {name} changed");
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{label}: {e.GetType().Name} instead of a CheckpointException: {e.Message}\n{e.StackTrace}");
            }
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationBound, $"{label}: allocated {allocated} bytes, more than {AllocationBound}");
            maxAllocated = Math.Max(maxAllocated, allocated);
            maxSeconds = Math.Max(maxSeconds, seconds);
            counts[(kind, restamp, outcome)] = counts.GetValueOrDefault((kind, restamp, outcome)) + 1;

            if (outcome == Outcome.LoadedChanged) Restore(model, loadedState);
            if (i % 200 == 0) GC.Collect(); // TorchSharp's undisposed Scalars and state_dict wrappers
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores; file {originalFile.Length} bytes, {fields.Count} tensors; " +
                                                         $"slowest case {maxSeconds * 1000:F1} ms, most managed bytes allocated by one case {maxAllocated} (bound {AllocationBound})");
        report.AppendLine("kind | checksums | " + string.Join(" | ", Enum.GetNames<Outcome>()));
        foreach (var kind in Enum.GetValues<Kind>())
            foreach (bool restamp in new[] { false, true })
                report.AppendLine($"{kind} | {(restamp ? "re-stamped" : "original")} | " + string.Join(" | ", Enum.GetValues<Outcome>().Select(o => counts.GetValueOrDefault((kind, restamp, o)))));
        report.AppendLine("total | | " + string.Join(" | ", Enum.GetValues<Outcome>().Select(o => counts.Where(kv => kv.Key.Item3 == o).Sum(kv => kv.Value))));
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("FUZZ_REPORT") is { Length: > 0 } file) File.WriteAllText(file, report.ToString());

        // Every kind of damage was met at least once by the reader itself (a re-stamped case it refused).
        foreach (var kind in Enum.GetValues<Kind>().Where(k => k is not Kind.DataFlip))
            Assert.True(counts.Where(kv => kv.Key.Item1 == kind && kv.Key.Item2 && kv.Key.Item3 is Outcome.RefusedByParser or Outcome.RefusedByModelCheck).Sum(kv => kv.Value) > 0, $"{kind}: no re-stamped case was refused by the reader");
        foreach (var (name, tensor) in loadedState) tensor.Dispose();
    }

    private static Tensor Output(TinyLinearModel model, Tensor x, Tensor t)
    {
        using var noGrad = no_grad();
        return model.Denoise(x, t, null).detach().clone();
    }

    private static void Restore(TinyLinearModel model, IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.Network.state_dict()) tensor.copy_(state[name]);
    }

    private static string Header(IEnumerable<Field> fields) => "{" + string.Join(",", fields.Select(f => f.Json)) + "}";

    private static byte[] Damage(Kind kind, Random random, string header, byte[] data, List<Field> fields)
    {
        var edited = fields.ToList();
        int pick = random.Next(edited.Count);
        var field = edited[pick];
        switch (kind)
        {
            case Kind.HeaderLength:
            {
                var file = TestReleases.Build(header, data);
                ulong length = (ulong)Encoding.UTF8.GetByteCount(header);
                ulong[] choices = [length + (ulong)random.Next(1, 17), length - (ulong)random.Next(1, 17), 0, 1, 2, (ulong)file.Length, (ulong)file.Length - 8, 100_000_001, 1UL << 62, ulong.MaxValue, (ulong)random.NextInt64()];
                BitConverter.GetBytes(choices[random.Next(choices.Length)]).CopyTo(file, 0);
                return file;
            }
            case Kind.DTypeSwap:
                string[] tags = ["F16", "BF16", "F32", "F64", "I16", "I32", "I64", "U8", "I8", "BOOL", "F8", "f16", "", "F16 "];
                edited[pick] = field with { DType = tags[random.Next(tags.Length)] };
                break;
            case Kind.ShapeEdit:
            {
                var dims = field.Shape.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
                int d = random.Next(Math.Max(1, dims.Count));
                string shape = random.Next(9) switch
                {
                    0 => string.Join(",", dims.AsEnumerable().Reverse()),
                    1 => string.Join(",", dims.Select((v, k) => k == d ? v + 1 : v)),
                    2 => string.Join(",", dims.Select((v, k) => k == d ? Math.Max(0, v - 1) : v)),
                    3 => string.Join(",", dims.Append(1)),
                    4 => string.Join(",", dims.Skip(1)),
                    5 => string.Join(",", dims.Select((v, k) => k == d ? -v : v)),
                    6 => string.Join(",", dims.Select((v, k) => k == d ? 1L << 40 : v)),
                    7 => string.Join(",", dims.Select((v, k) => k == d ? v + ".5" : v.ToString(CultureInfo.InvariantCulture))),
                    _ => dims.Count > 1 ? $"{dims[0] * dims[1]}" + string.Concat(dims.Skip(2).Select(v => "," + v)) : $"1,{field.Shape}",
                };
                edited[pick] = field with { Shape = shape };
                break;
            }
            case Kind.OffsetEdit:
            {
                long start = long.Parse(field.Start), end = long.Parse(field.End);
                long[] deltas = [1, -1, 2, -2, 4, -4, end - start, start - end, random.Next(1, 100000), -random.Next(1, 100000)];
                long delta = deltas[random.Next(deltas.Length)];
                string value(long v) => random.Next(10) == 0 ? (1L << 62).ToString(CultureInfo.InvariantCulture) : Math.Max(0, v).ToString(CultureInfo.InvariantCulture);
                edited[pick] = random.Next(3) switch
                {
                    0 => field with { Start = value(start + delta) },
                    1 => field with { End = value(end + delta) },
                    _ => field with { Start = value(start + delta), End = value(end + delta) },
                };
                break;
            }
            case Kind.OffsetSwap:
            {
                // Two tensors of equal byte length swap ranges when there are such; otherwise any two.
                long Length(Field f) => long.Parse(f.End) - long.Parse(f.Start);
                var twins = edited.Select((f, k) => k).Where(k => k != pick && Length(edited[k]) == Length(field)).ToList();
                int other = twins.Count > 0 && random.Next(4) > 0 ? twins[random.Next(twins.Count)] : random.Next(edited.Count);
                var second = edited[other];
                edited[pick] = field with { Start = second.Start, End = second.End };
                edited[other] = second with { Start = field.Start, End = field.End };
                break;
            }
            case Kind.DuplicateKey:
                edited.Insert(random.Next(edited.Count + 1), random.Next(2) == 0 ? field : field with { DType = "F32", Shape = "0", Start = "0", End = "0" });
                break;
            case Kind.DeletedKey:
                edited.RemoveAt(pick);
                if (random.Next(2) == 0)
                {
                    // Also cut its bytes out and shift the later ranges, so the layout stays contiguous.
                    long start = long.Parse(field.Start), length = long.Parse(field.End) - start;
                    edited = edited.Select(f => long.Parse(f.Start) >= start + length && length > 0
                        ? f with { Start = (long.Parse(f.Start) - length).ToString(CultureInfo.InvariantCulture), End = (long.Parse(f.End) - length).ToString(CultureInfo.InvariantCulture) }
                        : f).ToList();
                    return TestReleases.Build(Header(edited), [.. data[..(int)start], .. data[(int)(start + length)..]]);
                }
                break;
            case Kind.AddedKey:
            {
                int bytes = random.Next(3) * 2;
                edited.Insert(random.Next(edited.Count + 1), new Field($"extra.{random.Next(100)}", "F16", bytes == 0 ? "0" : (bytes / 2).ToString(CultureInfo.InvariantCulture),
                    data.Length.ToString(CultureInfo.InvariantCulture), (data.Length + bytes).ToString(CultureInfo.InvariantCulture)));
                return TestReleases.Build(Header(edited), [.. data, .. new byte[bytes]]);
            }
            case Kind.Metadata:
            {
                string[] metadata = ["\"__metadata__\":{\"format\":\"pt\"}", "\"__metadata__\":{\"format\":1}", "\"__metadata__\":{\"a\":\"x\",\"a\":\"y\"}", "\"__metadata__\":[]", "\"__metadata__\":{}", "\"__metadata__\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}"];
                string text = Header(edited);
                return TestReleases.Build("{" + metadata[random.Next(metadata.Length)] + "," + text[1..], data);
            }
            case Kind.HeaderByte:
            {
                var bytes = Encoding.UTF8.GetBytes(header);
                int count = random.Next(1, 4);
                const string json = "{}[],:\" 0123456789-.eEabcdefFIUB\t\\";
                for (int k = 0; k < count; k++)
                    bytes[random.Next(bytes.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)json[random.Next(json.Length)];
                return [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes, .. data];
            }
            case Kind.Truncation:
            {
                var file = TestReleases.Build(header, data);
                return file[..random.Next(file.Length)];
            }
            case Kind.Appended:
            {
                var extra = new byte[random.Next(1, 65)];
                random.NextBytes(extra);
                return [.. TestReleases.Build(header, data), .. extra];
            }
            case Kind.DataFlip:
            {
                var copy = data.ToArray();
                int count = random.Next(1, 5);
                for (int k = 0; k < count; k++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return TestReleases.Build(header, copy);
            }
        }
        return TestReleases.Build(Header(edited), data);
    }
}
