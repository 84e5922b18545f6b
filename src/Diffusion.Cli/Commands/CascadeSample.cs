using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime.Cascades;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// sample --model CASCADE: every stage's EMA weights from its own checkpoint (<c>--checkpoint STAGE=PATH</c>), the whole
/// chain sampled in one call (Ho et al. 2021, Sec. 3) with one label layout and guidance weight for every stage, the
/// last stage's grid written to --out and, with --stages, each lower stage's beside it. A cascade whose base is
/// conditioned on text samples --per-prompt images of each prompt instead, row i for prompt i, as a text model does.
/// </summary>
internal static class CascadeSample
{
    /// <summary>The sample command's options a cascade reads.</summary>
    public sealed record Options(
        Option<string[]> Checkpoint,
        Option<string> Output,
        Option<int?> Count,
        Option<bool> Force,
        Option<bool> NoVerify,
        Option<bool> Stages,
        Option<double?> Level,
        SamplingOptions Sampling,
        TextSample.Options Text,
        UnclipSample.Options Unclip,
        Func<ITextEncoder>? TextEncoder);

    public static int Run(ParseResult parse, ModelEntry entry, ModelCatalog catalog, Options o, Device target)
    {
        var cascade = entry.CascadeFactory?.Invoke() ?? throw new InvalidOperationException($"{entry.Name}'s entry builds no cascade.");
        if (cascade is ITextCascadeModel fromText) return RunText(parse, entry, catalog, fromText, o, target);
        o.Unclip.RefuseFor(parse, entry.Name, "is a cascade whose base is not conditioned on embeddings");
        if (o.TextEncoder is not null && (parse.GetValue(o.Text.Prompt) is { Length: > 0 } || parse.GetValue(o.Text.PromptsFile) is not null))
            throw new CommandLineException($"--prompt and --prompts are for a cascade whose base is conditioned on text; {entry.Name}'s base is not.");
        var stages = cascade.Stages;
        var first = stages[0];
        int? classes = first.Description.Classes;
        int total = SampleGrid.Count(parse.GetValue(o.Count), classes, "--count");
        int steps = parse.GetValue(o.Sampling.Steps);
        var (kind, weight, thresholding) = o.Sampling.Choose(parse, first);
        double? level = parse.GetValue(o.Level);
        CheckSampling(cascade, kind, steps, level);
        var (paths, resolved) = LoadStages(parse.GetValue(o.Checkpoint)!, cascade, catalog, entry.Name, target, !parse.GetValue(o.NoVerify), "[sample]");

        // Outputs are checked before the minutes of sampling, never replacing an input or a file this command did not write.
        string[] inputs = CliOptions.Inputs(paths.Concat(resolved).ToArray());
        string gridPath = CliOptions.PngOutput(parse.GetValue(o.Output)!, "--out", parse.GetValue(o.Force), inputs);
        var stagePaths = StageOutputs(parse, o, stages.Count, inputs);
        Console.WriteLine($"[sample] {entry.Name}: {stages.Count} stages, {kind} with {steps} steps{CliOptions.SpacingText(parse.GetValue(o.Sampling.Spacing))}, eta {parse.GetValue(o.Sampling.Eta)}, guidance {weight}, "
            + $"{thresholding} thresholding, augmentation level {LevelText(level)}");

        using var scope = NewDisposeScope();
        var labels = classes is { } c ? arange(c, dtype: ScalarType.Int64).repeat_interleave(total / c).to(target) : null;   // 0,0,...,1,1,...
        var request = o.Sampling.Request(parse, kind, total, labels, weight, thresholding);
        using var generator = o.Sampling.Generator(parse, target);
        var started = DateTime.UtcNow;
        var images = cascade.SampleStages(kind, request, generator, level);
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        int rows = SampleGrid.Rows(classes, total);
        for (int k = 0; k < stagePaths.Length; k++)
        {
            int size = stages[k].Description.ImageSize;
            ImageGrid.Write(images[k].cpu(), stagePaths[k], rows: rows, upscale: SampleGrid.Upscale(size, SampleGrid.CellPixels));
            Console.WriteLine($"[sample] wrote {stagePaths[k]} (stage {k}, {size} x {size})");
        }
        int finalSize = stages[^1].Description.ImageSize;
        ImageGrid.Write(images[^1].cpu(), gridPath, rows: rows, upscale: SampleGrid.Upscale(finalSize, SampleGrid.CellPixels));
        Console.WriteLine($"[sample] wrote {gridPath} ({total} images of {finalSize} x {finalSize} in {seconds:F1} s, {total / seconds:F1} images/s)");
        return 0;
    }

    /// <summary>
    /// A cascade whose base is conditioned on text (<see cref="ITextCascadeModel"/>): the prompts' grid as a text model's,
    /// row i for prompt i, each batch drawn through every stage, the base guided over text and the upsamplers unguided.
    /// With --prior, the base is an unCLIP decoder and each prompt goes through the prior first (Ramesh et al. 2022, Sec. 2).
    /// </summary>
    private static int RunText(ParseResult parse, ModelEntry entry, ModelCatalog catalog, ITextCascadeModel cascade, Options o, Device target)
    {
        var stages = cascade.Stages;
        var first = (ITextDiffusionModel)stages[0];
        if (parse.GetValue(o.Count) is not null) throw new CommandLineException($"--count: {entry.Name} samples --per-prompt images of each prompt.");
        if (parse.GetValue(o.Unclip.VariationsOf) is { Length: > 0 } || parse.GetValue(o.Unclip.ImageEncoder) is not null)
            throw new CommandLineException($"--variations-of and --image-encoder: {entry.Name} samples from prompts (through --prior when its base is an unCLIP decoder).");
        var prompts = TextSample.Prompts(parse, o.Text);
        var (kind, _, _) = o.Sampling.Choose(parse, first);
        double? level = parse.GetValue(o.Level);
        int steps = parse.GetValue(o.Sampling.Steps);
        CheckSampling(cascade, kind, steps, level);
        bool verify = !parse.GetValue(o.NoVerify);
        using var conditioning = PromptConditioning.Open(catalog, parse.GetValue(o.Unclip.Prior), first, o.TextEncoder, steps, target, verify);
        var (paths, resolved) = LoadStages(parse.GetValue(o.Checkpoint)!, cascade, catalog, entry.Name, target, verify, "[sample]");
        string[] inputs = CliOptions.Inputs([.. paths, .. resolved, .. conditioning.Inputs]);
        var stagePaths = StageOutputs(parse, o, stages.Count, inputs);
        if (conditioning.Settings is { } settings) Console.WriteLine($"[sample] {settings}");
        Console.WriteLine($"[sample] {entry.Name}: {stages.Count} stages, the upsamplers unguided at augmentation level {LevelText(level)}");
        return TextSample.Grid(parse, first, prompts, conditioning.Source, string.Join(" + ", resolved), inputs, o.Text, target,
            conditioning.OfRows(prompts), (text, sampler, request, generator) => cascade.SampleText(text, sampler, request, generator, level), stagePaths);
    }

    /// <summary>With --stages, where each lower stage's grid goes beside --out (OUT.stage0.png, ...), checked as --out is; else none.</summary>
    private static string[] StageOutputs(ParseResult parse, Options o, int stages, string[] inputs)
    {
        if (!parse.GetValue(o.Stages)) return [];
        bool force = parse.GetValue(o.Force);
        string gridPath = CliOptions.PngOutput(parse.GetValue(o.Output)!, "--out", force, inputs);
        return Enumerable.Range(0, stages - 1)
            .Select(k => CliOptions.PngOutput(Path.ChangeExtension(gridPath, null) + $".stage{k}.png", "--stages", force, inputs)).ToArray();
    }

    /// <summary>Every stage's EMA weights from its STAGE=PATH value: the paths as given and as resolved, in stage order.</summary>
    public static (string[] Given, string[] Resolved) LoadStages(string[] values, ICascadeModel cascade, ModelCatalog catalog, string name,
        Device target, bool verify, string tag)
    {
        var stages = cascade.Stages;
        var paths = StagePaths(values, stages, catalog, name);
        var resolved = new string[stages.Count];
        for (int k = 0; k < stages.Count; k++)
        {
            resolved[k] = LoadedModel.Load(stages[k], paths[k], target, verify);
            Console.WriteLine($"{tag} stage {k} {stages[k].Description.Name} from {resolved[k]}");
        }
        return (paths, resolved);
    }

    /// <summary>How sample and evaluate print the --augmentation-level they sample at.</summary>
    public static string LevelText(double? level) =>
        level is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "as declared";

    /// <summary>Refuses, naming the option, steps beyond a stage's schedule, a sampler a stage lacks and an augmentation level a stage cannot take.</summary>
    public static void CheckSampling(ICascadeModel cascade, SamplerKind kind, int steps, double? level)
    {
        var stages = cascade.Stages;
        if (stages.Any(s => steps > s.Schedule.Length))
            throw new CommandLineException($"--steps must be at most {stages.Min(s => s.Schedule.Length)} (the stages' training timesteps).");
        if (stages.FirstOrDefault(s => !s.Samplers.Contains(kind)) is { } lacking)
            throw new CommandLineException($"--sampler {kind.ToString().ToLowerInvariant()}: {lacking.Description.Name} declares {string.Join(", ", lacking.Samplers).ToLowerInvariant()} only; every stage samples with it.");
        foreach (var stage in stages.OfType<ISuperResolutionModel>())
        {
            if (AugmentationDraws.LevelProblem(stage.Augmentation, level ?? stage.SamplingLevel, stage.Schedule.Length) is { } problem)
                throw new CommandLineException($"--augmentation-level: {stage.Description.Name}'s {problem}");
        }
    }

    /// <summary>
    /// Each stage's checkpoint path from STAGE=PATH values, STAGE a stage's class name or catalog alias in any case:
    /// one per stage, none unknown or given twice.
    /// </summary>
    private static string[] StagePaths(string[] values, System.Collections.Generic.IReadOnlyList<IDiffusionModel> stages, ModelCatalog catalog, string cascade)
    {
        var names = stages.Select(s => catalog.Entries.FirstOrDefault(e => e.Name == s.Description.Name) ?? ModelEntry.Diffusion(s.Description.Name, () => s)).ToArray();
        string listing = string.Join(", ", names.Select(n => n.ToString()));
        var paths = new string?[stages.Count];
        foreach (var value in values)
        {
            int split = value.IndexOf('=');
            if (split <= 0 || split == value.Length - 1)
                throw new CommandLineException($"--checkpoint {value}: {cascade} takes STAGE=PATH, once per stage ({listing}).");
            string stage = value[..split];
            int k = Array.FindIndex(names, n => n.Answers(stage));
            if (k < 0) throw new CommandLineException($"--checkpoint {value}: {stage} is no stage of {cascade} ({listing}).");
            if (paths[k] is not null) throw new CommandLineException($"--checkpoint {value}: {names[k].Name} has a checkpoint already.");
            paths[k] = value[(split + 1)..];
        }
        int missing = Array.IndexOf(paths, null);
        if (missing >= 0) throw new CommandLineException($"--checkpoint {names[missing]}=PATH is needed: every stage of {cascade} loads its own checkpoint ({listing}).");
        return paths!;
    }
}
