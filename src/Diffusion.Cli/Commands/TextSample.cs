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
        Grid(parse, model, prompts, $"encoder {encoder.Identity.ModelId}", resolved, inputs, o, target, Encoded(prompts, encoder, model));

    /// <summary>The conditioning of a batch of row indices of <paramref name="prompts"/>: their encoding, as <paramref name="model"/> takes it.</summary>
    public static Func<long[], Generator, TextConditioning> Encoded(IReadOnlyList<string> prompts, ITextEncoder encoder, ITextDiffusionModel model)
    {
        var encoded = PromptConditioning.Encoded(encoder, model);
        return (rows, generator) => encoded(rows.Select(row => prompts[(int)row]).ToArray(), generator);
    }

    /// <summary>
    /// Samples --per-prompt images of each of <paramref name="rows"/> (prompts, or an unCLIP decoder's source images) from
    /// <paramref name="model"/>, loaded already from <paramref name="resolved"/>, and writes the grid, row i for row i.
    /// <paramref name="condition"/> gives the conditioning of a batch of row indices (each repeated per sample) in the caller's
    /// dispose scope, drawing any randomness it needs from the generator, which the samples then continue.
    /// <paramref name="sample"/> draws a batch (default: the model's own SampleText); when it returns lower stages too, stage k's
    /// grid goes to <paramref name="stageOutputs"/>[k] where given, checked already.
    /// </summary>
    public static int Grid(ParseResult parse, ITextDiffusionModel model, IReadOnlyList<string> rows, string source, string resolved, string[] inputs,
        Options o, Device target, Func<long[], Generator, TextConditioning> condition, TextSampling? sample = null,
        IReadOnlyList<string>? stageOutputs = null)
    {
        sample ??= (text, kind, request, generator) => [model.SampleText(text, kind, request, generator)];
        stageOutputs ??= [];
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
        var parts = new List<List<Tensor>>();    // per stage, per batch
        using var generator = o.Sampling.Generator(parse, target);
        for (int start = 0; start < repeated.Length; start += BatchSize)
        {
            using var batchScope = NewDisposeScope();
            var batch = repeated.Skip(start).Take(BatchSize).ToArray();
            var text = condition(batch, generator);
            var request = o.Sampling.Request(parse, kind, batch.Length, null, weight, thresholding);
            var stages = sample(text, kind, request, generator);
            for (int k = 0; k < stages.Count; k++)
            {
                if (parts.Count == k) parts.Add([]);
                parts[k].Add(stages[k].cpu().MoveToOuterDisposeScope());
            }
        }
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        for (int k = 0; k < stageOutputs.Count; k++)
        {
            var below = cat(parts[k], 0);
            int side = (int)below.shape[^1];
            ImageGrid.Write(below, stageOutputs[k], rows: rows.Count, upscale: SampleGrid.Upscale(side, SampleGrid.CellPixels));
            Console.WriteLine($"[sample] wrote {stageOutputs[k]} (stage {k}, {side} x {side})");
        }
        var images = cat(parts[^1], 0);
        int size = (int)images.shape[^1];
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
