using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Dsl;
using Diffusion.Runtime;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Networks;
using TorchSharp;

namespace Diffusion.Cli;

/// <summary>Options shared by several commands, with their validation, so each is spelled and checked once.</summary>
public static class CliOptions
{
    /// <summary>An integer option of at least 1 (and at most <paramref name="maximum"/>).</summary>
    public static Option<int> Positive(string name, int defaultValue, string description, int maximum = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (!Parsed(result, out int value)) return;
            if (value < 1) result.AddError($"{name} must be at least 1.");
            else if (value > maximum) result.AddError($"{name} {value} is more than {maximum}, the most this command allocates for.");
        });
        return option;
    }

    /// <summary>
    /// Warns (on standard error) about sampling settings the command accepts but whose math leaves its sensible range:
    /// DDIM's eta above 1 asks for more noise than the DDPM posterior holds (Song et al. 2021, Eq. 16), and very large
    /// guidance weights push the prediction far outside the data (then to overflow).
    /// </summary>
    public static void WarnAboutSampling(double eta, double guidance, double? classifierScale = null)
    {
        if (eta > 1) Console.Error.WriteLine($"warning: --eta {eta} is above 1: the step's noise exceeds the DDPM posterior's and samples degrade (Song et al. 2021, Eq. 16 spans 0..1).");
        if (guidance > SensibleGuidance) Console.Error.WriteLine($"warning: --guidance {guidance} is far above the useful range (about 1..{SensibleGuidance}); samples saturate and, past about 1e30, overflow to noise.");
        if (classifierScale > SensibleGuidance) Console.Error.WriteLine($"warning: --classifier-scale {classifierScale} is far above the useful range (about 0..{SensibleGuidance}); samples saturate.");
    }

    private const double SensibleGuidance = 20;

    /// <summary>A finite number option of at least 0.</summary>
    public static Option<double> NonNegative(string name, double defaultValue, string description)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (Parsed(result, out double value) && (!(value >= 0) || double.IsInfinity(value))) result.AddError($"{name} must be a finite number >= 0.");
        });
        return option;
    }

    /// <summary>
    /// The option's value for a validator, or false when the text did not parse (say "--lr abc"): System.CommandLine runs
    /// validators even then, and GetValueOrDefault would throw instead of letting the parse error be reported
    /// (dotnet/command-line-api#2645).
    /// </summary>
    public static bool Parsed<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>A path the command cannot run without.</summary>
    public static Option<string> RequiredPath(string name, string description) =>
        new(name) { Description = description, Required = true };

    /// <summary>--checkpoint of sample and evaluate: one path, or STAGE=PATH once per stage of a cascade.</summary>
    public static Option<string[]> Checkpoints() =>
        new("--checkpoint")
        {
            Description = "A checkpoint folder, a run folder (its latest checkpoint) or a release folder; for a cascade, STAGE=PATH once per "
                + "stage (STAGE the stage's model name, such as base14=runs/base14).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary>The one --checkpoint path of a model that is not a cascade.</summary>
    public static string SingleCheckpoint(ParseResult parse, Option<string[]> checkpoint, string model)
    {
        var values = parse.GetValue(checkpoint)!;
        if (values.Length != 1)
            throw new CommandLineException($"--checkpoint: {model} takes one checkpoint; several are for a cascade's stages.");
        return values[0];
    }

    /// <summary>--augmentation-level of sample and evaluate: the level a cascade's super-resolution stages sample at.</summary>
    public static Option<double?> AugmentationLevel() =>
        new("--augmentation-level")
        {
            Description = "For a cascade: the super-resolution stages' noise augmentation level at sampling (a Gaussian level s, a blur "
                + "sigma; 0 none; default each stage's declared SamplingLevel).",
        };

    /// <summary>--force: replace outputs this command did not write.</summary>
    public static Option<bool> Force() =>
        new("--force") { Description = "Replace outputs that exist but were not written by this command (never an input or its run folder)." };

    /// <summary>
    /// What outputs must not touch: each given checkpoint, release or run path (as the user gave it, or resolved), and
    /// the run folder a checkpoint or <c>checkpoints</c> folder belongs to.
    /// </summary>
    public static string[] Inputs(params string?[] checkpointPaths)
    {
        var inputs = new List<string>();
        foreach (var path in checkpointPaths)
        {
            if (path is null) continue;
            inputs.Add(path);
            if (RunFolder.Of(path) is { } run) inputs.Add(run);
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            if (Path.GetFileName(full) == "checkpoints") inputs.Add(Path.GetDirectoryName(full)!);
        }
        return inputs.ToArray();
    }

    /// <summary>Checks a PNG output before work starts: only the runtime's own earlier PNG is replaced without --force.</summary>
    public static string PngOutput(string path, string option, bool force, string[] inputs) =>
        OutputPath.CheckFile(path, option, force, PngMarker.IsStamped, inputs);

    /// <summary>--seed, 0 by default.</summary>
    public static Option<long> Seed() => new("--seed") { Description = "Random seed: the same seed gives the same result.", DefaultValueFactory = _ => 0L };

    /// <summary>--device: cpu or cuda.</summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "cpu (default) or cuda (needs a build with -p:TorchBackend=cuda).", DefaultValueFactory = _ => "cpu" };
        option.AcceptOnlyFromAmong("cpu", "cuda");
        return option;
    }

    /// <summary>--sampler: one the model declares; without it, DDIM when declared, else the first declared.</summary>
    public static Option<SamplerKind?> Sampler() =>
        new("--sampler") { Description = "ddpm (ancestral), ddim or consistency (a [ConsistencyModel]; --steps K), of the samplers the model declares (default: ddim when declared, else the declared one)." };

    /// <summary>The sampler asked for, or the model's default; a sampler the model does not declare is refused.</summary>
    public static SamplerKind ChooseSampler(SamplerKind? asked, Diffusion.Runtime.Models.IDiffusionModel model)
    {
        var declared = model.Samplers;
        if (declared.Count == 0) throw new CommandLineException($"{model.Description.Name} declares no sampler; add [Sampler(SamplerKind.Ddim)] to it.");
        if (asked is not { } kind) return declared.Contains(SamplerKind.Ddim) ? SamplerKind.Ddim : declared[0];
        if (!declared.Contains(kind))
            throw new CommandLineException($"--sampler {kind.ToString().ToLowerInvariant()}: {model.Description.Name} declares {string.Join(" and ", declared).ToLowerInvariant()} only.");
        return kind;
    }

    /// <summary>
    /// --guidance, the classifier-free guidance weight w: without it, the model's declared weight (1, no guidance, for
    /// a model that declares none).
    /// </summary>
    public static Option<double?> Guidance()
    {
        var option = new Option<double?>("--guidance") { Description = "Classifier-free guidance weight w (1 = none; default: the model's declared weight)." };
        option.Validators.Add(result =>
        {
            if (Parsed(result, out double? value) && value is { } w && (!(w >= 0) || double.IsInfinity(w))) result.AddError("--guidance must be a finite number >= 0.");
        });
        return option;
    }

    /// <summary>The guidance weight asked for, or the model's declared one; an unconditional model takes none.</summary>
    public static double ChooseGuidance(double? asked, Diffusion.Runtime.Models.IDiffusionModel model)
    {
        if (model.Description.Classes is null && model is not Diffusion.Runtime.Text.ITextDiffusionModel && asked is { } w && w != 1.0)
            throw new CommandLineException($"--guidance {w}: {model.Description.Name} is unconditional; classifier-free guidance needs a class-conditional model.");
        return asked ?? model.ClassifierFreeGuidanceScale ?? 1.0;
    }

    /// <summary>--precision: float32 (default) or bf16, the transformer blocks' matrix products while sampling.</summary>
    public static Option<string> Precision()
    {
        var option = new Option<string>("--precision")
        {
            Description = "float32 (default) or bf16: the transformer blocks' matrix products and attention in bfloat16 while sampling (norms, "
                + "residuals and the sampler stay float32); faster where the CPU has AVX512_BF16 or AMX, or on a GPU.",
            DefaultValueFactory = _ => "float32",
        };
        option.AcceptOnlyFromAmong("float32", "bf16");
        return option;
    }

    /// <summary>The <see cref="MatmulPrecision"/> a --precision value names.</summary>
    /// <remarks>bf16 under <see cref="ConvolutionKernels.LimitsOneDnn"/> warns, once per process: it would run slower than float32.</remarks>
    public static MatmulPrecision ToPrecision(string? name)
    {
        if (name != "bf16") return MatmulPrecision.Float32;
        if (ConvolutionKernels.LimitsOneDnn && !warnedAboutOneDnn)
        {
            warnedAboutOneDnn = true;
            Console.Error.WriteLine(OneDnnWarning);
        }
        return MatmulPrecision.BFloat16;
    }

    private static bool warnedAboutOneDnn;

    /// <summary>What --precision bf16 prints where oneDNN is held to SSE4.1.</summary>
    internal const string OneDnnWarning = "warning: --precision bf16: oneDNN is held to SSE4.1 kernels on this AMD processor with AVX-512 (against the NaN "
        + "convolutions docs/benchmarks.md describes), where bfloat16 matrix products run slower than float32; for a model without "
        + "convolutions, such as a DiT, set ONEDNN_MAX_CPU_ISA=ALL to use oneDNN's bfloat16 kernels.";

    /// <summary>--spacing: which of the training steps DDPM and DDIM visit (<see cref="Diffusion.Runtime.Models.SampleRequest.Spacing"/>).</summary>
    public static Option<Diffusion.Runtime.Scheduling.TimestepSpacing?> Spacing() =>
        new("--spacing") { Description = "Which training steps DDPM and DDIM visit: leading (k (T div S), a latent model's default), trailing (from T - 1), linspace (both ends) or improveddiffusion; default: the model's own (a pixel model's steps are evenly spaced from T - 1)." };

    /// <summary>--spacing as given, refused for a sampler that does not take it; null means the model's own steps.</summary>
    public static Diffusion.Runtime.Scheduling.TimestepSpacing? ChooseSpacing(ParseResult parse, Option<Diffusion.Runtime.Scheduling.TimestepSpacing?> option, SamplerKind kind)
    {
        var spacing = parse.GetValue(option);
        if (spacing is not null && kind is not (SamplerKind.Ddpm or SamplerKind.Ddim))
            throw new CommandLineException($"--spacing is for DDPM and DDIM; the {kind} sampler visits its own noise levels.");
        return spacing;
    }

    /// <summary>How the chosen spacing reads in a settings line: empty for the model's own steps.</summary>
    public static string SpacingText(Diffusion.Runtime.Scheduling.TimestepSpacing? spacing) =>
        spacing is { } chosen ? $", {chosen.ToString().ToLowerInvariant()} spacing" : "";

    /// <summary>--threshold: static, dynamic or none.</summary>
    public static Option<Thresholding> Threshold() =>
        new("--threshold") { Description = "Thresholding of the predicted clean sample: static (clip to [-1, 1], default), dynamic (Imagen; the default of a text model) or none (the default of a latent model).", DefaultValueFactory = _ => Thresholding.Static };

    /// <summary>
    /// --threshold as given, else the model's default: none for a latent diffusion model (its latents are not data in
    /// [-1, 1], so clipping x0_hat would wreck them), dynamic for a text model, static for another pixel-space model.
    /// </summary>
    public static Thresholding ChooseThreshold(ParseResult parse, Option<Thresholding> option, IDiffusionModel model) =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)
        : model is ILatentDiffusionModel ? Thresholding.None
        // A prior's samples are embeddings, not data in [-1, 1] (its generated sampler refuses thresholding).
        : model is Diffusion.Runtime.Text.IDiffusionPrior ? Thresholding.None
        // Imagen's dynamic thresholding (Saharia et al. 2022, Sec. 2.3) for text models, sampled at high guidance weights.
        : model is Diffusion.Runtime.Text.ITextDiffusionModel ? Thresholding.Dynamic
        : Thresholding.Static;

    /// <summary>--percentile of dynamic thresholding, in (0, 1].</summary>
    public static Option<double> Percentile()
    {
        var option = new Option<double>("--percentile") { Description = "Dynamic thresholding's percentile p in (0, 1].", DefaultValueFactory = _ => 0.995 };
        option.Validators.Add(result =>
        {
            if (Parsed(result, out double value) && !(value > 0 && value <= 1)) result.AddError("--percentile must be in (0, 1].");
        });
        return option;
    }

    /// <summary>
    /// --no-verify: load weights whose checksums are not checked (a checkpoint without SHA256SUMS, or one you changed on
    /// purpose). The files are still read strictly; <see cref="WarnUnverified"/> says so on standard error.
    /// </summary>
    public static Option<bool> NoVerify() =>
        new("--no-verify") { Description = "Load weights without checking their SHA256SUMS checksums (prints a warning); use only for files you trust." };

    /// <summary>Prints the --no-verify warning for <paramref name="directory"/> when <paramref name="noVerify"/> is set.</summary>
    public static void WarnUnverified(bool noVerify, string directory)
    {
        if (noVerify) Console.Error.WriteLine($"warning: --no-verify: checksums of '{directory}' are not checked");
    }

    /// <summary>The TorchSharp device for a --device value, with a clear error when CUDA is asked for but absent.</summary>
    public static torch.Device ToDevice(string name)
    {
        if (name == "cuda" && !torch.cuda.is_available())
            throw new CommandLineException("--device cuda: no CUDA device is available. Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
        return new torch.Device(name);
    }

    /// <summary>Refuses a path that is not a folder, saying whether it is a file or absent.</summary>
    public static void RequireDirectory(string path, string option)
    {
        if (File.Exists(path)) throw new CommandLineException($"{option} {path}: is a file, not a folder.");
        if (!Directory.Exists(path)) throw new CommandLineException($"{option} {path}: no such directory.");
    }

    /// <summary>
    /// --area-from: train on images of this size averaged over f x f blocks down to the model's size, as a cascade's
    /// super-resolution stage makes its low-resolution inputs from the same data (Ho et al. 2021).
    /// </summary>
    public static Option<int?> AreaFrom() => new("--area-from")
    {
        Description = "Train on images of this size area-averaged (each f x f block's mean) to the model's size: a cascade's base sees "
            + "exactly the low-resolution images its super-resolution stage makes from the same data (such as --area-from 28 for a 14x14 base).",
    };

    /// <summary>--fit: what train does with images whose size differs from the model's.</summary>
    public static Option<string> Fit()
    {
        var option = new Option<string>("--fit")
        {
            Description = "Images of another size: 'exact' refuses them, 'center-crop' scales them to cover the model's size and keeps the centre.",
            DefaultValueFactory = _ => "exact",
        };
        option.AcceptOnlyFromAmong("exact", "center-crop");
        return option;
    }

    /// <summary>The <see cref="ImageFit"/> named by <see cref="Fit"/>'s value.</summary>
    public static ImageFit ToImageFit(string value) => value == "center-crop" ? ImageFit.CenterCrop : ImageFit.Exact;
}
