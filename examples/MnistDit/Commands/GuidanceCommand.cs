using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Evaluation;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Examples.Mnist.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.Mnist.Commands;

/// <summary>
/// compare-guidance: one class-conditional model sampled unguided (its null label), with classifier guidance (the null
/// label steered by the noisy classifier) and with classifier-free guidance, from the same seeds; every sample is scored
/// by the separately trained evaluation CNN. Writes a side-by-side picture and a Markdown table.
/// </summary>
internal static class GuidanceCommand
{
    private sealed record Mode(string Name, double GuidanceScale, double? ClassifierScale);

    public static Command Create()
    {
        var model = ExampleModels.DiffusionOption();
        var checkpoint = CliOptions.RequiredPath("--checkpoint", "The diffusion model's checkpoint, run or release folder (trained with label dropout, so its null label is an unconditional model).");
        var classifier = CliOptions.RequiredPath("--classifier", "The noisy classifier's checkpoint or run folder (train --model noisy-classifier).");
        var evaluator = CliOptions.RequiredPath("--evaluator", $"The folder holding the evaluation CNN's {TrainClassifierCommand.FileName} (train-classifier; examples/MnistDit/evaluation).");
        var output = CliOptions.RequiredPath("--out", "Folder for comparison.png and comparison.md.");
        var classifierScales = ScaleList("--classifier-scales", "Classifier guidance scales s to compare.", new[] { 1.0, 4.0 });
        var guidanceScales = ScaleList("--guidance-scales", "Classifier-free guidance weights w to compare (1 = the conditional model).", new[] { 1.0, 4.0 });
        var perClass = CliOptions.Positive("--per-class", 50, "Samples per digit and mode that are scored.", maximum: 1_000);
        var shown = CliOptions.Positive("--shown", 6, "Samples per digit and mode in the picture.");
        var sampler = CliOptions.Sampler();
        var steps = CliOptions.Positive("--steps", 50, "Sampler steps (1..1000).");
        var seed = CliOptions.Seed();
        var device = CliOptions.Device();
        var force = CliOptions.Force();
        var noVerify = CliOptions.NoVerify();
        var command = new Command("compare-guidance", "Compare unguided, classifier-guided and classifier-free-guided samples of one model, scored by the evaluation CNN.")
        {
            model, checkpoint, classifier, evaluator, output, classifierScales, guidanceScales, perClass, shown, sampler, steps, seed, device, force, noVerify,
        };
        CommandAction.Set(command, parse =>
        {
            var target = CliOptions.ToDevice(parse.GetValue(device)!);
            string evaluatorPath = Path.Combine(parse.GetValue(evaluator)!, TrainClassifierCommand.FileName);
            if (!File.Exists(evaluatorPath)) throw new CommandLineException($"--evaluator: {evaluatorPath} does not exist; run train-classifier first.");
            int n = parse.GetValue(perClass), k = parse.GetValue(shown);
            if (k > n) throw new CommandLineException($"--shown {k} must be at most --per-class {n}.");
            bool verify = !parse.GetValue(noVerify);
            CliOptions.WarnUnverified(!verify, parse.GetValue(evaluator)!);
            using var judge = MnistClassifier.Load(evaluatorPath, verify);
            judge.eval();
            var diffusion = ExampleModels.CreateDiffusion(parse.GetValue(model)!);
            string resolved = RunFolder.Resolve(parse.GetValue(checkpoint)!, verify: verify);
            CliOptions.WarnUnverified(!verify, resolved);
            CheckpointLoader.LoadForSampling(diffusion, resolved, verify: verify);
            diffusion.Network.to(target);
            diffusion.Network.eval();
            var noisy = NoisyClassifierFile.Load(parse.GetValue(classifier)!, 1.0, target, verify)!;
            foreach (var scale in parse.GetValue(classifierScales)!.Concat(parse.GetValue(guidanceScales)!)) CliOptions.WarnAboutSampling(0, scale);

            // Both outputs are checked before the minutes of sampling.
            string folder = parse.GetValue(output)!;
            string[] inputs = CliOptions.Inputs(parse.GetValue(checkpoint), resolved, parse.GetValue(classifier), parse.GetValue(evaluator));
            string picture = CliOptions.PngOutput(Path.Combine(folder, "comparison.png"), "--out", parse.GetValue(force), inputs);
            string report = OutputPath.CheckFile(Path.Combine(folder, "comparison.md"), "--out", parse.GetValue(force), IsOwnReport, inputs);

            var modes = new List<Mode> { new("unguided (null label)", 0.0, null) };
            modes.AddRange(parse.GetValue(classifierScales)!.Select(s => new Mode($"classifier guidance s = {Number(s)}", 0.0, s)));
            modes.AddRange(parse.GetValue(guidanceScales)!.Select(w => new Mode($"classifier-free w = {Number(w)}", w, null)));

            using var intended = arange(ClassGrid.Digits, dtype: ScalarType.Int64).repeat_interleave(n);
            var rows = new List<string>();
            var panels = new List<Tensor>();
            foreach (var mode in modes)
            {
                var watch = Stopwatch.StartNew();
                var guidance = mode.ClassifierScale is { } s ? noisy with { Scale = s } : null;
                var samples = ClassGrid.Sample(diffusion, parse.GetValue(sampler), n, parse.GetValue(steps), 0.0, mode.GuidanceScale,
                    parse.GetValue(seed), target, Thresholding.Static, 0.995, classifier: guidance).clamp(-1, 1);
                double seconds = watch.Elapsed.TotalSeconds;
                double match = SampleQuality.ShareMatchingLabel(judge, samples, intended);
                double top;
                using (no_grad()) top = SampleQuality.MeanTopProbability(judge.call(samples));
                double distance = SampleQuality.WithinClassDistance(samples, intended);
                var row = FormattableString.Invariant($"| {mode.Name} | {match:P1} | {top:F3} | {distance:F2} | {samples.shape[0] / seconds:F2} |");
                Console.WriteLine(row);
                rows.Add(row);
                panels.Add(samples.reshape(ClassGrid.Digits, n, 1, 28, 28).narrow(1, 0, k).DetachFromDisposeScope());
                samples.Dispose();
            }

            using (var grid = SideBySide(panels)) ImageGrid.Write(grid, picture, rows: ClassGrid.Digits, upscale: 2);
            foreach (var panel in panels) panel.Dispose();
            var table = new List<string>
            {
                ReportMarker,
                $"Model {diffusion.Description.Name} ({resolved}), noisy classifier {noisy.Classifier.Description.Name}; {parse.GetValue(sampler)} with {parse.GetValue(steps)} steps, static thresholding, seed {parse.GetValue(seed)}, {n} samples per digit and mode; scored by the evaluation CNN ({evaluatorPath}).",
                "",
                "| mode | classified as the intended digit | mean top probability | within-digit distance | images/s |",
                "|---|---|---|---|---|",
            };
            table.AddRange(rows);
            AtomicFile.WriteText(report, string.Join('\n', table) + "\n");
            Console.WriteLine($"[compare-guidance] wrote {picture} (columns: {string.Join(" | ", modes.Select(m => m.Name))}) and {report}");
            return 0;
        });
        return command;
    }

    /// <summary>The first line of comparison.md, by which a later run knows the report as its own (an HTML comment, invisible in Markdown).</summary>
    private const string ReportMarker = "<!-- written by mnist-dit compare-guidance (Diffusion.Dsl) -->";

    private static bool IsOwnReport(string path) =>
        PathKinds.Of(path) == PathKind.Regular && File.ReadLines(path).FirstOrDefault() == ReportMarker;

    /// <summary>Row d holds each mode's first samples of digit d, the modes separated by a grey tile.</summary>
    private static Tensor SideBySide(IReadOnlyList<Tensor> panels)
    {
        using var scope = NewDisposeScope();
        var separator = zeros(new long[] { ClassGrid.Digits, 1, 1, 28, 28 });    // 0 is mid-grey in [-1, 1]
        var parts = new List<Tensor>();
        for (int i = 0; i < panels.Count; i++)
        {
            if (i > 0) parts.Add(separator);
            parts.Add(panels[i]);
        }
        var rows = cat(parts, 1);    // (10, columns, 1, 28, 28)
        return rows.reshape(-1, 1, 28, 28).MoveToOuterDisposeScope();
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
