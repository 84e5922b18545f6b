using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Diffusion.Generators.Tests;

/// <summary>
/// Snapshot checks in Verify.SourceGenerators' layout: Snapshots/{TestClass}.{TestMethod}#{HintName without .cs}.verified.cs
/// beside the test source. A mismatch writes *.received.cs and fails with a unified diff; ACCEPT_SNAPSHOTS=1 accepts.
/// </summary>
internal static class Snapshot
{
    public const string VersionPlaceholder = "<version>";

    /// <summary>
    /// Checks the generated files against their snapshots; <paramref name="include"/>, when given, picks the files by
    /// hint name (the declaration under test, where others already have snapshots of their own).
    /// </summary>
    public static void Verify(GeneratorDriverRunResult result, Func<string, bool>? include = null, [CallerFilePath] string testFile = "",
        [CallerMemberName] string testMethod = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        Directory.CreateDirectory(directory);
        var prefix = Path.GetFileNameWithoutExtension(testFile) + "." + testMethod + "#";
        bool accept = Environment.GetEnvironmentVariable("ACCEPT_SNAPSHOTS") == "1";
        var failures = new StringBuilder();
        var produced = result.Results.SelectMany(r => r.GeneratedSources).Where(s => include?.Invoke(s.HintName) ?? true)
            .OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(produced);

        foreach (var source in produced)
        {
            var stem = Path.Combine(directory, prefix + source.HintName.Substring(0, source.HintName.Length - ".cs".Length));
            var verifiedPath = stem + ".verified.cs";
            var receivedPath = stem + ".received.cs";
            var actual = Scrub(source.SourceText.ToString());
            var expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath) : null;
            if (expected == actual)
            {
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                continue;
            }
            if (accept)
            {
                File.WriteAllText(verifiedPath, actual);
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                continue;
            }
            File.WriteAllText(receivedPath, actual);
            failures.AppendLine(expected is null
                ? "No snapshot " + verifiedPath + " (run with ACCEPT_SNAPSHOTS=1 to accept " + receivedPath + ")"
                : "Snapshot mismatch " + verifiedPath + ":" + Environment.NewLine + UnifiedDiff(expected, actual));
        }

        // A verified file the generator no longer produces is stale.
        foreach (var verified in Directory.GetFiles(directory, prefix + "*.verified.cs"))
        {
            var hint = Path.GetFileName(verified).Substring(prefix.Length).Replace(".verified.cs", ".cs");
            if (produced.All(s => s.HintName != hint))
            {
                if (accept) File.Delete(verified);
                else failures.AppendLine("Stale snapshot " + verified + " (the generator no longer produces " + hint + ")");
            }
        }

        if (failures.Length > 0) Assert.Fail(failures.ToString());
    }

    public static string Scrub(string text) => text.Replace(
        Diffusion.Generators.Tests.GeneratorVersion.GeneratedCodePrefix + "\"" + GeneratorVersion.Value + "\")]",
        GeneratorVersion.GeneratedCodePrefix + "\"" + VersionPlaceholder + "\")]");

    private static string UnifiedDiff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        var text = new StringBuilder();
        text.AppendLine("--- verified").AppendLine("+++ received");
        var lines = diff.Lines;
        for (int i = 0; i < lines.Count; i++)
        {
            bool near = false;
            for (int j = Math.Max(0, i - 3); j <= Math.Min(lines.Count - 1, i + 3) && !near; j++) near = lines[j].Type != ChangeType.Unchanged;
            if (!near) continue;
            var mark = lines[i].Type switch { ChangeType.Inserted => "+", ChangeType.Deleted => "-", _ => " " };
            text.Append(mark).Append(' ').AppendLine(lines[i].Text);
        }
        return text.ToString();
    }
}

/// <summary>The version the generator writes into [GeneratedCode], scrubbed from snapshots.</summary>
internal static class GeneratorVersion
{
    public const string GeneratedCodePrefix = "[global::System.CodeDom.Compiler.GeneratedCode(\"Diffusion.Generators\", ";

    public static string Value { get; } = typeof(DiffusionGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}
