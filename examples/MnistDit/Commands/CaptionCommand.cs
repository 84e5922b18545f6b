using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Cli;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.IO;
using Examples.Mnist.Data;

namespace Examples.Mnist.Commands;

/// <summary>caption: writes captions.tsv for an MNIST folder from each image's digit and measured stroke, slant and size.</summary>
internal static class CaptionCommand
{
    public static Command Create()
    {
        var data = CliOptions.RequiredPath("--data", "The MNIST image folder (digit folders 0..9 of 28x28 PNGs, e.g. data/mnist/train); captions.tsv is written into it.");
        var force = CliOptions.Force();
        var command = new Command("caption", "Write captions.tsv for an MNIST folder: each image's digit with its stroke width, slant and size measured on the image, in several phrasings.") { data, force };
        CommandAction.Set(command, parse =>
        {
            string root = parse.GetValue(data)!;
            RequireOwnFile(Path.Combine(root, CaptionFile.DefaultName), parse.GetValue(force));
            var summary = MnistCaptionWriter.Write(root);
            Console.WriteLine($"[caption] wrote {summary.Lines} captions ({summary.Distinct} distinct) for {summary.Images} images to {summary.File}");
            Console.WriteLine("[caption] images per word: " + string.Join(", ", summary.Words.OrderBy(w => w.Key, StringComparer.Ordinal)
                .Select(w => $"{w.Key} {w.Value} ({100.0 * w.Value / summary.Images:F0}%)")));
            return 0;
        });
        return command;
    }

    /// <summary>A captions file this writer did not write is a user's: it is replaced only with --force.</summary>
    private static void RequireOwnFile(string file, bool force)
    {
        if (force || PathKinds.Of(file) == PathKind.Missing) return;
        if (PathKinds.Of(file) != PathKind.Regular) throw new CommandLineException($"{file}: is not a regular file; move it away to write captions.");
        using var reader = new StreamReader(RegularFile.OpenRead(file, CaptionFile.MaxFileBytes));
        if (reader.ReadLine() is { } first && first.StartsWith(MnistCaptionWriter.Marker, StringComparison.Ordinal)) return;
        throw new CommandLineException($"{file}: was not written by this command (its first line is not '{MnistCaptionWriter.Marker} ...'); pass --force to replace it.");
    }
}
