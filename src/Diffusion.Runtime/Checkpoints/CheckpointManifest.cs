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
        var text = new StringBuilder();
        foreach (var name in files) text.Append(Hash(Path.Combine(directory, name))).Append("  ").Append(name).Append('\n');
        using var stream = new FileStream(Path.Combine(directory, FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
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
        foreach (var line in File.ReadAllLines(path, Encoding.ASCII))
        {
            number++;
            if (line.Length == 0) continue;
            // sha256sum writes "hash  name" (two spaces; "hash *name" in binary mode).
            int space = line.IndexOf(' ');
            string hash = space < 0 ? "" : line[..space];
            string name = space < 0 ? "" : line[(space + 1)..].TrimStart(' ', '*');
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit) || name.Length == 0 || name.Contains('/') || name.Contains('\\') || name == "..")
                throw new CheckpointException(path, $"Checkpoint manifest '{path}' is corrupted: line {number.ToString(CultureInfo.InvariantCulture)} is not '<sha-256>  <file name>'.");
            entries[name] = hash.ToLowerInvariant();
        }
        return entries;
    }

    /// <summary>The SHA-256 of a file, as lower-case hex.</summary>
    public static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
