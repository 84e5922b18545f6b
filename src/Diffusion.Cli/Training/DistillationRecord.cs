using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Diffusion.Runtime.IO;

namespace Diffusion.Cli.Training;

/// <summary>
/// RUN/distill.json: what a distill run was started with (the student, the first teacher's weights by their SHA-256, the
/// round plan and the seed). A resumed run must match it key for key: rounds trained against another teacher or plan
/// would be continued silently otherwise, since each round's checkpoints hold only the student.
/// </summary>
internal sealed record DistillationRecord(string Student, string TeacherWeights, int TeacherSteps, int FinalSteps, int StepsPerRound, long Seed)
{
    public const string FileName = "distill.json";

    /// <summary>The SHA-256 of the teacher folder's weight files (*.safetensors, in name order), hex.</summary>
    public static string WeightsHash(string teacherFolder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(teacherFolder, "*.safetensors").Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = File.OpenRead(file);
            var buffer = new byte[1 << 20];
            for (int read; (read = stream.Read(buffer, 0, buffer.Length)) > 0;) sha.AppendData(buffer, 0, read);
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// Writes the record into <paramref name="runDir"/> when it holds none; else refuses a difference, naming the key,
    /// both values and the file.
    /// </summary>
    public void WriteOrVerify(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(runDir);
            AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Options) + "\n");
            return;
        }
        DistillationRecord? stored;
        try
        {
            stored = JsonSerializer.Deserialize<DistillationRecord>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new CommandLineException($"{path}: not a distill record ({e.Message}); it describes the run in --out, so restore it or choose another folder.");
        }
        if (stored is null) throw new CommandLineException($"{path}: empty; it describes the run in --out, so restore it or choose another folder.");
        foreach (var (key, was, now) in Differences(stored))
            throw new CommandLineException($"{path}: the run was started with {key} {was}, this command gives {now}; resume with the same {key}, or choose another --out.");
    }

    private IEnumerable<(string Key, string Was, string Now)> Differences(DistillationRecord stored)
    {
        if (stored.Student != Student) yield return ("--model", stored.Student, Student);
        if (stored.TeacherWeights != TeacherWeights) yield return ("--teacher", $"weights {stored.TeacherWeights}", $"weights {TeacherWeights}");
        if (stored.TeacherSteps != TeacherSteps) yield return ("--teacher-steps", $"{stored.TeacherSteps}", $"{TeacherSteps}");
        if (stored.FinalSteps != FinalSteps) yield return ("--final-steps", $"{stored.FinalSteps}", $"{FinalSteps}");
        if (stored.StepsPerRound != StepsPerRound) yield return ("--steps-per-round", $"{stored.StepsPerRound}", $"{StepsPerRound}");
        if (stored.Seed != Seed) yield return ("--seed", $"{stored.Seed}", $"{Seed}");
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
