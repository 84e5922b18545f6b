using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// compare-guidance: one class-conditional model sampled unguided (its null label), with classifier guidance (the null
/// label steered by the noisy classifier) and with classifier-free guidance, from the same seeds; every sample is scored
/// by the user's evaluator (a classifier trained on real images). Writes a side-by-side picture and a Markdown table.
/// </summary>
internal static class GuidanceCommand
{
    private sealed record Mode(string Name, double GuidanceScale, double? ClassifierScale);

    public static Command Create(ModelCatalog catalog, EvaluatorSource source)
    {
        var model = ModelOption.Diffusion(catalog, "Which class-conditional diffusion model; the checkpoint must be of it");
        var classifierModel = ModelOption.NoisyClassifier(catalog, "--classifier-model", "Which noisy classifier --classifier holds");
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "The diffusion model's checkpoint, run or release folder (trained with label dropout, so its null label is an unconditional model).");
        var classifier = CliOptions.RequiredPath("--classifier", "The noisy classifier's checkpoint or run folder (train --model with the noisy classifier).");
        var evaluator = CliOptions.RequiredPath("--evaluator", source.Description);
        var output = CliOptions.RequiredPath("--out", "Folder for comparison.png and comparison.md.");
        var classifierScales = ScaleList("--classifier-scales", "Classifier guidance scales s to compare.", new[] { 1.0, 4.0 });
        var guidanceScales = ScaleList("--guidance-scales", "Classifier-free guidance weights w to compare (1 = the conditional model).", new[] { 1.0, 4.0 });
        var perClass = CliOptions.Positive("--per-class", 50, "Samples per class and mode that are scored.", maximum: 1_000);
        var shown = CliOptions.Positive("--shown", 6, "Samples per class and mode in the picture.");
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps (1..T).");
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var force = CliOptions.Force();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("compare-guidance", "Compare unguided, classifier-guided and classifier-free-guided samples of one class-conditional model, scored by the evaluator.")
        {
            model.Option, classifierModel.Option, checkpoint, classifier, evaluator, output, classifierScales, guidanceScales, perClass, shown, sampler, steps, seed, device, force, noVerify,
        };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            int n = parse.GetValue(perClass), k = parse.GetValue(shown);
            if (k > n) throw new CommandLineException($"--shown {k} must be at most --per-class {n}.");
            var diffusion = LoadedModel.Diffusion(model.Resolve(parse));
            if (diffusion is ILatentDiffusionModel)
                throw new CommandLineException($"--model: {diffusion.Description.Name} samples latents; classifier guidance would need a classifier of noisy latents, which is not supported yet.");
            var declared = diffusion.Description;
            if (declared.Classes is not { } classes)
                throw new CommandLineException($"{declared.Name} is unconditional; compare-guidance compares the guidance of a class-conditional model.");
            var kind = CliOptions.ChooseSampler(parse.GetValue(sampler), diffusion);
            var noisyModel = (INoisyClassifier)classifierModel.Resolve(parse).Factory();
            bool verify = !parse.GetValue(noVerify);
            string evaluatorPath = parse.GetValue(evaluator)!;
            CliOptions.WarnUnverified(!verify, evaluatorPath);
            var judge = source.Load(evaluatorPath, verify);
            using var disposeJudge = judge as IDisposable;
            string resolved = LoadedModel.Load(diffusion, parse.GetValue(checkpoint)!, target, verify);
            var noisy = NoisyClassifierFile.Load(noisyModel, parse.GetValue(classifier)!, 1.0, target, verify);
            foreach (var scale in parse.GetValue(classifierScales)!.Concat(parse.GetValue(guidanceScales)!)) CliOptions.WarnAboutSampling(0, scale);

            // Both outputs are checked before the minutes of sampling.
            string folder = parse.GetValue(output)!;
            string[] inputs = CliOptions.Inputs(parse.GetValue(checkpoint), resolved, parse.GetValue(classifier), parse.GetValue(evaluator));
            string picture = CliOptions.PngOutput(Path.Combine(folder, "comparison.png"), "--out", parse.GetValue(force), inputs);
            string report = OutputPath.CheckFile(Path.Combine(folder, "comparison.md"), "--out", parse.GetValue(force), IsOwnReport, inputs);

            var modes = new List<Mode> { new("unguided (null label)", 0.0, null) };
            modes.AddRange(parse.GetValue(classifierScales)!.Select(s => new Mode($"classifier guidance s = {Number(s)}", 0.0, s)));
            modes.AddRange(parse.GetValue(guidanceScales)!.Select(w => new Mode($"classifier-free w = {Number(w)}", w, null)));

            using var intended = arange(classes, dtype: ScalarType.Int64).repeat_interleave(n);
            var rows = new List<string>();
            var panels = new List<Tensor>();
            foreach (var mode in modes)
            {
                var watch = Stopwatch.StartNew();
                var guidance = mode.ClassifierScale is { } s ? noisy with { Scale = s } : null;
                var samples = SampleGrid.Sample(diffusion, kind, classes, classes * n, parse.GetValue(steps), 0.0, mode.GuidanceScale,
                    parse.GetValue(seed), target, Thresholding.Static, 0.995, classifier: guidance).clamp(-1, 1);
                double seconds = watch.Elapsed.TotalSeconds;
                double match = SampleQuality.ShareMatchingLabel(judge, samples, intended);
                double top;
                using (var logits = judge.Logits(samples)) top = SampleQuality.MeanTopProbability(logits);
                double distance = SampleQuality.WithinClassDistance(samples, intended);
                var row = FormattableString.Invariant($"| {mode.Name} | {match:P1} | {top:F3} | {distance:F2} | {samples.shape[0] / seconds:F2} |");
                Console.WriteLine(row);
                rows.Add(row);
                panels.Add(samples.reshape(classes, n, declared.Channels, declared.ImageSize, declared.ImageSize).narrow(1, 0, k).DetachFromDisposeScope());
                samples.Dispose();
            }

            using (var grid = SideBySide(panels)) ImageGrid.Write(grid, picture, rows: classes, upscale: SampleGrid.Upscale(declared.ImageSize, 64));
            foreach (var panel in panels) panel.Dispose();
            var table = new List<string>
            {
                ReportMarker,
                $"Model {diffusion.Description.Name} ({resolved}), noisy classifier {noisy.Classifier.Description.Name}; {kind} with {parse.GetValue(steps)} steps, static thresholding, seed {parse.GetValue(seed)}, {n} samples per class and mode; scored by the evaluator ({evaluatorPath}).",
                "",
                "| mode | classified as the intended class | mean top probability | within-class distance | images/s |",
                "|---|---|---|---|---|",
            };
            table.AddRange(rows);
            AtomicFile.WriteText(report, string.Join('\n', table) + "\n");
            Console.WriteLine($"[compare-guidance] wrote {picture} (columns: {string.Join(" | ", modes.Select(m => m.Name))}) and {report}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The first line of comparison.md, by which a later run knows the report as its own (an HTML comment, invisible in
    /// Markdown); it keeps the wording of the MNIST example's first version, so reports written then stay its own.
    /// </summary>
    private const string ReportMarker = "<!-- written by mnist-dit compare-guidance (Diffusion.Dsl) -->";

    private static bool IsOwnReport(string path) =>
        PathKinds.Of(path) == PathKind.Regular && File.ReadLines(path).FirstOrDefault() == ReportMarker;

    /// <summary>Row c holds each mode's first samples of class c, the modes separated by a grey tile.</summary>
    /// <param name="panels">Per mode (classes, shown, C, H, W).</param>
    private static Tensor SideBySide(IReadOnlyList<Tensor> panels)
    {
        using var scope = NewDisposeScope();
        var shape = panels[0].shape;
        var separator = zeros(new[] { shape[0], 1, shape[2], shape[3], shape[4] });    // 0 is mid-grey in [-1, 1]
        var parts = new List<Tensor>();
        for (int i = 0; i < panels.Count; i++)
        {
            if (i > 0) parts.Add(separator);
            parts.Add(panels[i]);
        }
        var rows = cat(parts, 1);    // (classes, columns, C, H, W)
        return rows.reshape(-1, shape[2], shape[3], shape[4]).MoveToOuterDisposeScope();
    }

    private static Option<double[]> ScaleList(string name, string description, double[] defaults)
    {
        var option = new Option<double[]>(name) { Description = description, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => defaults };
        option.Validators.Add(result =>
        {
            if (CliOptions.Parsed(result, out double[] values) && values.Any(v => !(v >= 0) || double.IsInfinity(v))) result.AddError($"{name} takes finite values >= 0.");
        });
        return option;
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
