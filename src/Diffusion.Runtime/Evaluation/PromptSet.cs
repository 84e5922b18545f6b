using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Diffusion.Runtime.IO;

namespace Diffusion.Runtime.Evaluation;

/// <summary>One prompt to judge a text model by: the class its samples should be read as and the attribute it asks for.</summary>
/// <param name="Line">1-based line of the prompts file.</param>
/// <param name="Class">The class index the evaluator should read the samples as.</param>
/// <param name="Attribute">The attribute word it asks for (such as "thick"), or null for none ("-" in the file).</param>
/// <param name="Prompt">The text.</param>
public sealed record PromptCase(int Line, int Class, string? Attribute, string Prompt);

/// <summary>
/// A prompts file for evaluation: one prompt per line as <c>class&lt;TAB&gt;attribute&lt;TAB&gt;prompt</c> (attribute
/// <c>-</c> for none), blank lines and lines starting with <c>#</c> skipped; the MNIST example's held-out prompts
/// (examples/MnistDit/Data/held-out-prompts.tsv) are such a file.
/// </summary>
public static class PromptSet
{
    /// <summary>The largest prompts file read.</summary>
    public const long MaxFileBytes = 1L << 20;

    /// <summary>
    /// The prompts of <paramref name="path"/>, each of a class in 0..<paramref name="classes"/> - 1 (any class index
    /// when <paramref name="classes"/> is null).
    /// </summary>
    /// <exception cref="InputFileException">The file cannot be read, or a line is malformed (the message names the line).</exception>
    public static IReadOnlyList<PromptCase> Read(string path, int? classes)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = Encoding.UTF8.GetString(RegularFile.ReadAllBytes(path, MaxFileBytes));
        var cases = new List<PromptCase>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            if (fields.Length != 3)
                throw new InputFileException(path, $"'{path}' line {i + 1}: expected 'class<TAB>attribute<TAB>prompt', found {fields.Length} field(s).");
            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int label) || label >= classes)
                throw new InputFileException(path, $"'{path}' line {i + 1}: class '{fields[0]}' is not "
                    + (classes is { } k ? $"one of 0..{k - 1}." : "a class index (0, 1, ...)."));
            string attribute = fields[1].Trim(), prompt = fields[2].Trim();
            if (attribute.Length == 0 || prompt.Length == 0)
                throw new InputFileException(path, $"'{path}' line {i + 1}: an empty attribute (write '-' for none) or prompt.");
            cases.Add(new PromptCase(i + 1, label, attribute == "-" ? null : attribute, prompt));
        }
        if (cases.Count == 0) throw new InputFileException(path, $"'{path}' holds no prompt.");
        return cases;
    }
}
