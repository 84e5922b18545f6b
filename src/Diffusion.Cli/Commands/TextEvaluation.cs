using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// evaluate for a text-conditioned model: each prompt of --prompts (class, attribute, prompt per line) sampled
/// --per-prompt times at the same seeds, judged by the evaluator (digit adherence), the program's attribute measure
/// (attribute adherence against the class's neutral prompt, noise for noise) and the spread of the evaluator's features
/// (diversity); a line per prompt, then the summaries (<see cref="PromptAdherence"/>).
/// </summary>
internal static class TextEvaluation
{
    /// <summary>The evaluate command's options a text model reads.</summary>
    public sealed record Options(Option<string?> Prompts, Option<int> PerPrompt, SamplingOptions Sampling);

    /// <summary>
    /// Scores <paramref name="model"/>, loaded already from <paramref name="resolved"/>, its prompts encoded by the host's
    /// frozen <paramref name="encoder"/>.
    /// </summary>
    public static int Run(ParseResult parse, ITextDiffusionModel model, ITextEncoder encoder, IImageEvaluator evaluator, IAttributeMeasure? attributes,
        string resolved, Options o, Device target) =>
        Run(parse, model, $"encoder {encoder.Identity.ModelId}", evaluator, attributes, resolved, o, target, PromptConditioning.Encoded(encoder, model));

    /// <summary>
    /// Scores <paramref name="model"/>, loaded already from <paramref name="resolved"/>; <paramref name="condition"/> gives
    /// the conditioning of a batch of prompts in the caller's dispose scope (<paramref name="source"/> says from what),
    /// drawing any randomness it needs from the generator, which the samples then continue; <paramref name="sample"/> draws a
    /// batch (default: the model's own SampleText), whose last stage is judged.
    /// </summary>
    public static int Run(ParseResult parse, ITextDiffusionModel model, string source, IImageEvaluator evaluator, IAttributeMeasure? attributes,
        string resolved, Options o, Device target, Func<IReadOnlyList<string>, Generator, TextConditioning> condition, TextSampling? sample = null)
    {
        sample ??= (text, kind, request, generator) => [model.SampleText(text, kind, request, generator)];
        string file = parse.GetValue(o.Prompts) ?? throw new CommandLineException($"--prompts FILE is needed: {model.Description.Name} is conditioned on text.");
        var cases = PromptSet.Read(file, classes: null);
        int perPrompt = parse.GetValue(o.PerPrompt), steps = parse.GetValue(o.Sampling.Steps);
        long seed = parse.GetValue(o.Sampling.Seed);
        var (kind, weight, thresholding) = o.Sampling.Choose(parse, model);
        string settings = $"({kind}, {steps} steps{CliOptions.SpacingText(parse.GetValue(o.Sampling.Spacing))}, eta {parse.GetValue(o.Sampling.Eta)}, guidance {weight} over text, {thresholding} thresholding, seed {seed})";
        Console.WriteLine($"[evaluate] {resolved}: {cases.Count} prompts of {file}, {perPrompt} samples each at the same seeds {settings}; {source}");

        long sampled = 0;
        var clock = Stopwatch.StartNew();
        Tensor Sample(string prompt)
        {
            using var scope = NewDisposeScope();
            // One generator per prompt, seeded alike: sample k of every prompt starts from the same noise.
            using var generator = o.Sampling.Generator(parse, target);
            var text = condition(Enumerable.Repeat(prompt, perPrompt).ToArray(), generator);
            var request = o.Sampling.Request(parse, kind, perPrompt, null, weight, thresholding);
            sampled += perPrompt;
            return sample(text, kind, request, generator)[^1].cpu().clamp(-1, 1).MoveToOuterDisposeScope();    // (K, C, H, W)
        }

        var scores = PromptAdherence.Measure(cases, Sample, evaluator, attributes);
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var s in scores)
        {
            string moved = s.AttributeShare is { } a ? string.Create(CultureInfo.InvariantCulture, $", attribute {a:P0}") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[evaluate] line {s.Case.Line} class {s.Case.Class} {s.Case.Attribute ?? "-"} \"{s.Case.Prompt}\": digit {s.DigitShare:P0}{moved}, diversity {s.Diversity:F3}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[evaluate] sampled {sampled} images in {seconds:F1} s: {sampled / seconds:F2} images/s"));
        Summarise("all prompts", scores);
        Summarise("prompts without an attribute", scores.Where(s => s.Case.Attribute is null).ToList());
        foreach (var word in scores.Where(s => s.AttributeShare is not null).Select(s => s.Case.Attribute!).Distinct())
            Summarise($"\"{word}\"", scores.Where(s => s.Case.Attribute == word).ToList());
        var unmeasured = scores.Where(s => s.Case.Attribute is not null && s.AttributeShare is null).Select(s => s.Case.Attribute!).Distinct().ToList();
        if (unmeasured.Count > 0)
            Console.WriteLine($"[evaluate] attribute words the program does not measure (digit adherence only): {string.Join(", ", unmeasured)}");
        return 0;
    }

    private static void Summarise(string group, IReadOnlyList<PromptScore> scores)
    {
        if (scores.Count == 0) return;
        var attribute = scores.Where(s => s.AttributeShare is not null).Select(s => s.AttributeShare!.Value).ToList();
        string moved = attribute.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", attribute adherence {attribute.Average():P1}") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[evaluate] {group} ({scores.Count}): digit adherence {scores.Average(s => s.DigitShare):P1}{moved}, diversity {scores.Average(s => s.Diversity):F3}"));
    }
}
