using System;
using System.CommandLine;
using System.IO;
using Diffusion.Dsl;
using TorchSharp;

namespace Examples.Mnist.Commands;

/// <summary>Options shared by several commands, with their validation, so each is spelled and checked once.</summary>
internal static class CliOptions
{
    public static Option<int> Positive(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (Parsed(result, out int value) && value < 1) result.AddError($"{name} must be at least 1.");
        });
        return option;
    }

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

    public static Option<string> RequiredPath(string name, string description) =>
        new(name) { Description = description, Required = true };

    public static Option<long> Seed() => new("--seed") { Description = "Random seed: the same seed gives the same result.", DefaultValueFactory = _ => 0L };

    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "cpu (default) or cuda (needs a build with -p:TorchBackend=cuda).", DefaultValueFactory = _ => "cpu" };
        option.AcceptOnlyFromAmong("cpu", "cuda");
        return option;
    }

    public static Option<SamplerKind> Sampler() =>
        new("--sampler") { Description = "ddpm (ancestral) or ddim.", DefaultValueFactory = _ => SamplerKind.Ddim };

    public static Option<Thresholding> Threshold() =>
        new("--threshold") { Description = "Thresholding of the predicted clean sample: static (clip to [-1, 1], default), dynamic (Imagen) or none.", DefaultValueFactory = _ => Thresholding.Static };

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

    public static void RequireDirectory(string path, string option)
    {
        if (!Directory.Exists(path)) throw new CommandLineException($"{option} {path}: no such directory.");
    }
}

/// <summary>A user error on the command line or in its inputs: printed as a message, never as a stack trace.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
