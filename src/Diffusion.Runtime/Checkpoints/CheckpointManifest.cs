using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Diffusion.Runtime.Checkpoints;

/// <summary>
/// A checkpoint's checksum manifest, <c>SHA256SUMS</c>: one line <c>{sha-256 in hex}  {file name}</c> per file, in the
/// format of coreutils' <c>sha256sum</c>, so <c>sha256sum -c SHA256SUMS</c> inside the checkpoint directory checks it too.
/// </summary>
/// <remarks>
/// The atomic rename guarantees that a crash leaves a whole checkpoint or none, but not that the bytes stay intact
/// afterwards (a disk error, a copy cut short, a hand edit). The manifest is written last inside the temporary
/// directory, after every other file is flushed, so a renamed checkpoint always carries the hashes of exactly the bytes
/// that were written.
/// </remarks>
public static class CheckpointManifest
{
    /// <summary>The manifest's file name inside a checkpoint directory.</summary>
    public const string FileName = "SHA256SUMS";

    /// <summary>
    /// Hashes <paramref name="files"/> (names inside <paramref name="directory"/>) and writes the manifest beside them,
    /// flushed to disk.
    /// </summary>
    public static void Write(string directory, IEnumerable<string> files)
    {
        var entries = files.Select(name => (name, Hash(Path.Combine(directory, name))));
        using var stream = new FileStream(Path.Combine(directory, FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(Format(entries));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Adds or updates the line of <paramref name="name"/> (a file inside <paramref name="directory"/>) in the directory's
    /// manifest, creating it if there is none and keeping the other lines: for a single weights file saved into a folder
    /// of its own (the evaluation CNN's classifier.safetensors). The manifest is replaced with one rename.
    /// </summary>
    /// <exception cref="CheckpointException">An existing manifest is corrupted, or the file cannot be hashed.</exception>
    public static void Stamp(string directory, string name)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Exists(directory))
            foreach (var (listed, hash) in Read(directory)) entries[listed] = hash;
        entries[name] = Hash(Path.Combine(directory, name));
        string manifest = Path.Combine(directory, FileName);
        string temporary = Path.Combine(directory, $".{FileName}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Format(entries.Select(kv => (kv.Key, kv.Value))));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, manifest, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static byte[] Format(IEnumerable<(string Name, string Hash)> entries)
    {
        var text = new StringBuilder();
        foreach (var (name, hash) in entries) text.Append(hash).Append("  ").Append(name).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Whether <paramref name="directory"/> has a manifest.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>
    /// Checks every file of <paramref name="required"/> against the manifest of <paramref name="directory"/>: the manifest
    /// lists it and its SHA-256 matches. Files the manifest lists beyond <paramref name="required"/> are checked too.
    /// </summary>
    /// <exception cref="CheckpointException">The manifest is missing, malformed or incomplete, a file is missing, or a
    /// file's hash differs; the message names the file. For a safetensors file whose header is itself broken, the
    /// header's more specific reason (truncated, corrupted) is reported.</exception>
    public static void Verify(string directory, IEnumerable<string> required)
    {
        var expected = Read(directory);
        string manifestPath = Path.Combine(directory, FileName);
        var unlisted = required.Where(f => !expected.ContainsKey(f)).ToList();
        if (unlisted.Count > 0)
            throw new CheckpointException(manifestPath, $"Checkpoint manifest '{manifestPath}' does not list [{string.Join(", ", unlisted)}]; the checkpoint cannot be verified.");

        foreach (var (name, hash) in expected)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path)) throw new CheckpointException(path, $"Checkpoint file '{path}' is missing (listed in {FileName}).");
            string actual = Hash(path);
            if (actual == hash) continue;
            // Prefer the specific reason when the structure is broken too ("truncated: 3 bytes ...").
            if (name.EndsWith(".safetensors", StringComparison.Ordinal)) SafetensorsFile.ReadHeader(path);
            throw new CheckpointException(path, $"Checkpoint file '{path}' fails its checksum: SHA-256 {actual}, but {FileName} says {hash}. The file is corrupted; use an earlier checkpoint.");
        }
    }

    /// <summary>The manifest as file name to lower-case hex hash.</summary>
    /// <exception cref="CheckpointException">It is missing or a line is not "hash  name".</exception>
    public static IReadOnlyDictionary<string, string> Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new CheckpointException(path, $"Checkpoint manifest '{path}' is missing; the checkpoint cannot be verified.");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        int number = 0;
        string text = Encoding.ASCII.GetString(CheckpointInput.ReadAllBytes(path, CheckpointInput.MaxManifestBytes));
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0) continue;
            // sha256sum writes "hash  name" (two spaces; "hash *name" in binary mode).
            int space = line.IndexOf(' ');
            string hash = space < 0 ? "" : line[..space];
            string name = space < 0 ? "" : line[(space + 1)..].TrimStart(' ', '*');
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit) || name.Length == 0 || name.Contains('/') || name.Contains('\\') || name == "..")
                throw new CheckpointException(path, $"Checkpoint manifest '{path}' is corrupted: line {number.ToString(CultureInfo.InvariantCulture)} is not '<sha-256>  <file name>'.");
            if (!entries.TryAdd(name, hash.ToLowerInvariant()))
                throw new CheckpointException(path, $"Checkpoint manifest '{path}' is corrupted: '{name}' is listed twice.");
        }
        return entries;
    }

    /// <summary>
    /// The SHA-256 of a file, as lower-case hex: of exactly the bytes it had when it was opened, through
    /// <see cref="CheckpointInput"/> (a regular file only, JSON files at most <see cref="CheckpointInput.MaxJsonBytes"/>),
    /// so a FIFO or a link to a device is refused instead of read forever.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, not a regular file, too large, or shrank while hashed.</exception>
    public static string Hash(string path)
    {
        long bound = path.EndsWith(".json", StringComparison.Ordinal) ? CheckpointInput.MaxJsonBytes : CheckpointInput.MaxWeightsBytes;
        using var stream = CheckpointInput.Open(path, bound);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Clamp(stream.Length, 1, 1 << 20)];
        for (long left = stream.Length; left > 0;)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new CheckpointException(path, $"Checkpoint file '{path}' shrank while it was hashed.");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
