using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Diffusion.Dsl;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// sample for a text-conditioned model: the prompts (--prompt, --prompts FILE) encoded by the host's frozen text
/// encoder, --per-prompt samples of each guided over text (Ho and Salimans 2022, Eq. 6) at the model's declared weight
/// unless --guidance says otherwise, with Imagen's dynamic thresholding by default; row i of the grid is prompt i.
/// </summary>
internal static class TextSample
{
    /// <summary>The largest prompts file read.</summary>
    public const long MaxPromptsFileBytes = 1L << 20;

    /// <summary>Rows sampled in one network batch.</summary>
    private const int BatchSize = 250;

    /// <summary>The sample command's options a text model reads.</summary>
    public sealed record Options(
        Option<string> Output,
        Option<string[]> Prompt,
        Option<string?> PromptsFile,
        Option<int> PerPrompt,
        Option<bool> Force,
        SamplingOptions Sampling);

    /// <summary>--prompt: repeatable.</summary>
    public static Option<string[]> PromptOption() => new("--prompt")
    {
        Description = "For a text-conditioned model: a prompt (repeat the option for more rows).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>--prompts FILE.</summary>
    public static Option<string?> PromptsFileOption() => new("--prompts")
    {
        Description = "For a text-conditioned model: a file of prompts, one per line (of a tab-separated line, its last field); "
            + "blank lines and lines starting with # are skipped.",
    };

    /// <summary>--per-prompt K.</summary>
    public static Option<int> PerPromptOption() => CliOptions.Positive("--per-prompt", 8, "For a text-conditioned model: samples per prompt, or per --variations-of image (the grid's columns).");

    /// <summary>Samples the grid of <paramref name="prompts"/> (<see cref="Prompts"/>) from <paramref name="model"/>, loaded already from <paramref name="resolved"/>.</summary>
    public static int Run(ParseResult parse, ITextDiffusionModel model, IReadOnlyList<string> prompts, ITextEncoder encoder, string resolved, string[] inputs,
        Options o, Device target) =>
        Grid(parse, model, prompts, $"encoder {encoder.Identity.ModelId}", resolved, inputs, o, target, (rows, _) =>
        {
            using var encoding = encoder.Encode(rows.Select(row => prompts[(int)row]).ToArray());
            return encoding.ToConditioning(model.MaxTokens);
        });

    /// <summary>
    /// Samples --per-prompt images of each of <paramref name="rows"/> (prompts, or an unCLIP decoder's source images) from
    /// <paramref name="model"/>, loaded already from <paramref name="resolved"/>, and writes the grid, row i for row i.
    /// <paramref name="condition"/> gives the conditioning of a batch of row indices (each repeated per sample) in the caller's
    /// dispose scope, drawing any randomness it needs from the generator, which the samples then continue.
    /// </summary>
    public static int Grid(ParseResult parse, ITextDiffusionModel model, IReadOnlyList<string> rows, string source, string resolved, string[] inputs,
        Options o, Device target, Func<long[], Generator, TextConditioning> condition)
    {
        int perPrompt = parse.GetValue(o.PerPrompt), steps = parse.GetValue(o.Sampling.Steps);
        if (steps > model.Schedule.Length) throw new CommandLineException($"--steps must be at most {model.Schedule.Length} (the training timesteps).");
        var (kind, weight, thresholding) = o.Sampling.Choose(parse, model);
        string gridPath = CliOptions.PngOutput(parse.GetValue(o.Output)!, "--out", parse.GetValue(o.Force), inputs);
        Console.WriteLine($"[sample] {resolved}: {rows.Count} row(s) x {perPrompt}, {kind} with {steps} steps{CliOptions.SpacingText(parse.GetValue(o.Sampling.Spacing))}, eta {parse.GetValue(o.Sampling.Eta)}, "
            + $"guidance {weight}, {thresholding} thresholding; {source}");
        for (int i = 0; i < rows.Count; i++) Console.WriteLine($"[sample] row {i}: {rows[i]}");

        using var scope = NewDisposeScope();
        var started = DateTime.UtcNow;
        var repeated = Enumerable.Range(0, rows.Count).SelectMany(row => Enumerable.Repeat((long)row, perPrompt)).ToArray();    // row 0 K times, then row 1, ...
        var parts = new List<Tensor>();
        using var generator = o.Sampling.Generator(parse, target);
        for (int start = 0; start < repeated.Length; start += BatchSize)
        {
            using var batchScope = NewDisposeScope();
            var batch = repeated.Skip(start).Take(BatchSize).ToArray();
            var text = condition(batch, generator);
            var request = o.Sampling.Request(parse, kind, batch.Length, null, weight, thresholding);
            parts.Add(model.SampleText(text, kind, request, generator).cpu().MoveToOuterDisposeScope());
        }
        var images = cat(parts, 0);
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        int size = model.Description.ImageSize;
        ImageGrid.Write(images, gridPath, rows: rows.Count, upscale: SampleGrid.Upscale(size, SampleGrid.CellPixels));
        Console.WriteLine($"[sample] wrote {gridPath} ({repeated.Length} images in {seconds:F1} s, {repeated.Length / seconds:F1} images/s)");
        return 0;
    }

    /// <summary>The prompts of --prompt, then of --prompts FILE; at least one.</summary>
    public static List<string> Prompts(ParseResult parse, Options o)
    {
        var prompts = new List<string>(parse.GetValue(o.Prompt) ?? []);
        if (parse.GetValue(o.PromptsFile) is { } file)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(RegularFile.ReadAllBytes(file, MaxPromptsFileBytes));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandLineException($"--prompts {file}: {e.Message}");
            }
            foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')))
            {
                if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
                string prompt = line[(line.LastIndexOf('\t') + 1)..].Trim();
                if (prompt.Length == 0) throw new CommandLineException($"--prompts {file}: the line '{line}' has an empty prompt.");
                prompts.Add(prompt);
            }
        }
        if (prompts.Count == 0) throw new CommandLineException("--prompt TEXT or --prompts FILE is needed: the model is conditioned on text.");
        if (prompts.Any(string.IsNullOrWhiteSpace)) throw new CommandLineException("--prompt: a prompt is empty.");
        return prompts;
    }
}
