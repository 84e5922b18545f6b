using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Diagnostics;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Imaging;
using Diffusion.Runtime.IO;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Training;

/// <summary>
/// What train and distill share around the <see cref="Trainer"/>: the checks of the command line and of a run folder's
/// outputs before minutes of training, loading the image folder a declaration trains on, and writing the loss curve and
/// table after. Messages start with the command's tag ("[train]", "[distill]").
/// </summary>
internal sealed class TrainingRun(TrainingRunOptions options, ParseResult parse, string tag)
{
    private const string LossTableHeader = "step,loss";

    /// <summary>The --data folder.</summary>
    public string DataDir => parse.GetValue(options.Data)!;

    /// <summary>The --out folder.</summary>
    public string OutputDir => parse.GetValue(options.Output)!;

    /// <summary>Whether --resume was given.</summary>
    public bool Resume => parse.GetValue(options.Resume);

    /// <summary>Checks --device, --data, --ema-decay and --lr.</summary>
    public void Validate()
    {
        CliOptions.ToDevice(parse.GetValue(options.Device)!);
        CliOptions.RequireDirectory(DataDir, "--data");
        if (parse.GetValue(options.EmaDecay) >= 1) throw new CommandLineException("--ema-decay must be below 1.");
        if (!(parse.GetValue(options.LearningRate) > 0)) throw new CommandLineException("--lr must be above 0.");
    }

    /// <summary>
    /// Checks the run folder <paramref name="runDir"/> before training and returns its loss curve and table paths: a
    /// folder with checkpoints is resumed only with --resume, and a loss curve or table this command did not write is not
    /// replaced (without --force).
    /// </summary>
    public (string Curve, string Table) CheckRunFolder(string runDir)
    {
        if (PathKinds.Of(runDir) is PathKind.Regular or PathKind.Special) throw new CommandLineException($"--out {runDir}: is a file, not a folder.");
        // A run folder that already holds this runtime's checkpoints is the command's own (runs from before the PNG
        // marker included), so resuming one replaces its loss curve and table.
        var checkpoints = new RunFolder(runDir).List();
        if (checkpoints.Count > 0 && !Resume)
            throw new CommandLineException($"--out {runDir}: already holds a run (latest checkpoint at step {checkpoints[^1].Step}); continue it with --resume, or choose another folder.");
        bool ownRun = checkpoints.Count > 0;
        bool force = parse.GetValue(options.Force);
        string curve = OwnPng(runDir, "loss.png", ownRun, force);
        string table = OutputPath.CheckFile(Path.Combine(runDir, "loss.csv"), "--out", force, path => ownRun || IsOwnLossTable(path), [DataDir]);
        return (curve, table);
    }

    /// <summary>
    /// The path of another PNG <paramref name="name"/> the command writes into the run folder <paramref name="runDir"/>,
    /// checked before training as <see cref="CheckRunFolder"/> checks the loss curve.
    /// </summary>
    public string CheckRunPng(string runDir, string name) =>
        OwnPng(runDir, name, new RunFolder(runDir).List().Count > 0, parse.GetValue(options.Force));

    /// <summary>A PNG of the run folder: one this command did not write (no PNG marker, no run here) is kept without --force.</summary>
    private string OwnPng(string runDir, string name, bool ownRun, bool force) =>
        OutputPath.CheckFile(Path.Combine(runDir, name), "--out", force, path => ownRun || PngMarker.IsStamped(path), [DataDir]);

    /// <summary>
    /// Opens --data as <paramref name="declared"/> needs it (layout, size, channels, every class present), printing what
    /// was found. With <paramref name="anyLayout"/> (a model that takes no labels, such as an autoencoder) the images
    /// of class subfolders are taken too, unlabelled.
    /// </summary>
    public StreamingImageFolder LoadImages(ModelDescription declared, bool anyLayout = false)
    {
        string dataDir = DataDir;
        if (!anyLayout) ModelData.RequireLayout(dataDir, "--data", declared);
        string wanted = anyLayout ? ModelData.DescribeImages(declared) + " at any depth, unlabelled" : ModelData.Describe(declared);
        Console.WriteLine($"{tag} {declared.Name}: loading {dataDir} ({wanted})");
        var images = StreamingImageFolder.Open(dataDir, FolderOptions(declared), CacheBytes);
        foreach (var warning in images.Warnings) Console.Error.WriteLine($"warning: {warning}");
        if (declared.Classes is { } classes)
        {
            // The loader guarantees labels in 0..classes-1; a class with no image at all would be one the model never sees.
            var perClass = new long[classes];
            foreach (long label in images.Labels!) perClass[label]++;
            if (Array.IndexOf(perClass, 0L) is var empty and >= 0)
                throw new CommandLineException($"--data {dataDir}: no images of class {empty} (folder '{images.ClassNames[empty]}' is missing or was skipped); "
                    + $"the model has {classes} classes, 0..{classes - 1}, and trains on all of them.");
            Console.WriteLine($"{tag} {images.Count} images in {images.ClassNames.Count} classes; labels: "
                + string.Join(", ", images.ClassNames.Select((name, label) => $"{label}={name}")));
        }
        else
        {
            Console.WriteLine($"{tag} {images.Count} images");
        }
        PrintCache(images);
        return images;
    }

    /// <summary>
    /// The --data folder of a text-conditioned model: images at any depth (class subfolders only hold them), each with at
    /// least one caption in the folder's captions.tsv (or --captions).
    /// </summary>
    public CaptionedImageFolder LoadCaptionedImages(ModelDescription declared, string? captionsFile)
    {
        string dataDir = DataDir;
        Console.WriteLine($"{tag} {declared.Name}: loading {dataDir} ({ModelData.DescribeImages(declared)} at any depth, captioned by "
            + $"{captionsFile ?? Path.Combine(dataDir, CaptionFile.DefaultName)})");
        var captioned = CaptionedImageFolder.Open(dataDir, FolderOptions(declared), CacheBytes, captionsFile);
        foreach (var warning in captioned.Warnings) Console.Error.WriteLine($"warning: {warning}");
        Console.WriteLine($"{tag} {captioned.Count} images, {captioned.Captions.Sum(c => c.Count)} captions");
        PrintCache(captioned.Images);
        return captioned;
    }

    private ImageFolderOptions FolderOptions(ModelDescription declared) => ModelData.Options(declared) with
    {
        SkipBadFiles = parse.GetValue(options.SkipBadImages),
        Fit = CliOptions.ToImageFit(parse.GetValue(options.Fit)!),
    };

    private long CacheBytes => parse.GetValue(options.CacheMegabytes) * (1L << 20);

    private void PrintCache(StreamingImageFolder images) =>
        Console.WriteLine($"{tag} {images.CachedBytes / (1 << 20)} MiB of decoded images kept in memory (--cache-mb {parse.GetValue(options.CacheMegabytes)})");

    /// <summary>
    /// Trains <paramref name="model"/> with the <see cref="Trainer"/>, stopping early at <paramref name="stop"/>'s signal
    /// or the options' time budget (after the current step, with a checkpoint), then writes the loss curve and table;
    /// as one rank of <paramref name="collective"/> when given (rank 0 alone writes the files).
    /// </summary>
    public TrainingResult Train(ITrainableModel model, ITrainingSet images, TrainingOptions trainingOptions, StopSignal stop, string curve, string table,
        ICollective? collective = null)
    {
        var result = new Trainer(model, images, trainingOptions, collective).Run(stop.Token);
        if (collective is { Rank: not 0 }) return result;
        LossCurve.Write(result.Losses, curve, $"{model.Description.Name} training loss (batch {trainingOptions.BatchSize}, lr {trainingOptions.LearningRate})", averageWindow: 50);
        AtomicFile.WriteText(table, string.Join('\n', [LossTableHeader, .. LossLines(result.Losses)]) + "\n");
        return result;
    }

    /// <summary>The lines train prints after a run: where it stopped, its speed, the loss curve and memory.</summary>
    public void PrintResult(TrainingResult result, StreamingImageFolder images, string curve)
    {
        Console.WriteLine(result.Cancelled
            ? $"{tag} stopped (time budget or signal) at step {result.FinalStep}: checkpoint {result.LastCheckpoint}"
            : $"{tag} finished step {result.FinalStep}: checkpoint {result.LastCheckpoint}");
        Console.WriteLine($"{tag} {result.ImagesPerSecond:F1} images/s over {result.Elapsed}; loss curve {curve}");
        if (result.ExchangeTime > TimeSpan.Zero && result.SessionTime > TimeSpan.Zero)
            Console.WriteLine($"{tag} all-reduce of losses and gradients: {result.ExchangeTime.TotalSeconds:F1} s of this sitting's "
                + $"{result.SessionTime.TotalSeconds:F1} s of training ({100 * result.ExchangeTime / result.SessionTime:F1} %, waiting for the slowest process included)");
        Console.WriteLine($"{tag} peak resident memory {ProcessMemory.PeakMib():F0} MiB; {images.Decodes} images decoded during training");
    }

    private static bool IsOwnLossTable(string path) =>
        PathKinds.Of(path) == PathKind.Regular && File.ReadLines(path).FirstOrDefault() == LossTableHeader;

    private static string[] LossLines(IReadOnlyList<double> losses)
    {
        var lines = new string[losses.Count];
        for (int i = 0; i < losses.Count; i++) lines[i] = FormattableString.Invariant($"{i + 1},{losses[i]:R}");
        return lines;
    }
}
