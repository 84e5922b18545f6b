using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.IO;

namespace Examples.Mnist.Data;

/// <summary>One held-out prompt: the digit it names, the attribute it asks for ("-" for none) and its text.</summary>
public sealed record HeldOutPrompt(int Digit, string Attribute, string Prompt);

/// <summary>
/// Reads <c>Data/held-out-prompts.tsv</c> (or a file of the same form): prompts phrased unlike any caption the writer
/// produces, for measuring a text-conditioned model's adherence. Lines <c>digit&lt;TAB&gt;attribute&lt;TAB&gt;prompt</c>;
/// '#' comments and blank lines skipped.
/// </summary>
public static class HeldOutPrompts
{
    /// <summary>The file's name in the example's Data folder.</summary>
    public const string FileName = "held-out-prompts.tsv";

    /// <summary>The attributes a prompt may ask for; "-" asks for none.</summary>
    public static readonly IReadOnlyList<string> Attributes = ["-", "thin", "thick", "upright", "left", "right", "small", "large"];

    /// <summary>Reads and checks every line of <paramref name="path"/>.</summary>
    /// <exception cref="ImageDataException">The file cannot be read or a line is malformed; the message names the file and line.</exception>
    public static IReadOnlyList<HeldOutPrompt> Read(string path)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(RegularFile.ReadAllBytes(path, 1L << 20));
        }
        catch (Exception e) when (e is InputFileException or DecoderFallbackException)
        {
            throw new ImageDataException(path, $"Prompts file '{path}' cannot be read: {e.Message}", e);
        }

        var prompts = new List<HeldOutPrompt>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            string[] fields = line.Split('\t');
            if (fields.Length != 3 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int digit) || digit > 9
                || !Attributes.Contains(fields[1]) || fields[2].Trim().Length == 0)
                throw new ImageDataException(path, $"Prompts file '{path}' line {i + 1} is not 'digit<TAB>attribute<TAB>prompt' with a digit 0..9, "
                    + $"an attribute of {string.Join(", ", Attributes)} and a non-empty prompt.");
            prompts.Add(new HeldOutPrompt(digit, fields[1], fields[2].Trim()));
        }

        return prompts;
    }
}
