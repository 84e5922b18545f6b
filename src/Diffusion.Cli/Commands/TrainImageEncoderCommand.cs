using System;
using System.CommandLine;
using System.Linq;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Contrastive;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// train-image-encoder: an image tower trained contrastively against the host's frozen text encoder (CLIP's loss with
/// the text side locked: <see cref="ContrastiveTrainable"/>), on a captioned folder, with the trainer's checkpoints, EMA
/// and exact resume; then, with --eval-data, zero-shot accuracy on held-out images of class subfolders. Offered when the
/// program gives the host a text encoder. Hand-written rather than declared: the generator has no kind for an
/// image-to-embedding network (see <see cref="ContrastiveImageEncoder"/>).
/// </summary>
internal static class TrainImageEncoderCommand
{
    private const string Tag = "[train-image-encoder]";

    public static Command Create(Func<ITextEncoder> textEncoder)
    {
        var shared = new TrainingRunOptions("Run folder: checkpoints/, loss.png and loss.csv are written there.");
        var steps = CliOptions.Positive("--steps", 2000, "Total optimizer steps (with --resume, the total including earlier sittings).");
        var captions = new Option<string?>("--captions") { Description = "The captions file (default: captions.tsv in --data), lines 'image path<TAB>caption'." };
        var size = CliOptions.Positive("--image-size", 28, "Height and width of the training images.");
        var channels = CliOptions.Positive("--channels", 1, "Channels of the training images: 1 (grayscale) or 3 (RGB).");
        var width = CliOptions.Positive("--width", 32, $"The encoder's stem width, a multiple of {ImageEncoder.NormGroups}; each stage doubles it.");
        var stages = new Option<int>("--stages") { Description = "The encoder's stride-2 stages (0 to 6), each halving the image.", DefaultValueFactory = _ => 2 };
        var evalData = new Option<string?>("--eval-data")
        {
            Description = "Held-out images in one subfolder per class: after training, each is given the class whose caption is nearest "
                + "(zero-shot top-1 printed).",
        };
        var classCaptions = new Option<string[]>("--class-caption")
        {
            Description = "With --eval-data: class k's caption, repeated once per class in the order of its class folders (default: the folder names).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("train-image-encoder",
            "Train an image encoder into the frozen text encoder's embedding space (CLIP's contrastive loss, text side locked) on a captioned folder.")
        {
            shared.Data, shared.Output, steps, captions, size, channels, width, stages, evalData, classCaptions,
        };
        shared.AddTo(command);
        CommandAction.Set(command, Train);
        return command;

        int Train(ParseResult parse)
        {
            var run = new TrainingRun(shared, parse, Tag);
            run.Validate();
            if (parse.GetValue(channels) is not (1 or 3)) throw new CommandLineException($"--channels {parse.GetValue(channels)}: use 1 (grayscale) or 3 (RGB).");
            string? evalDir = parse.GetValue(evalData);
            string[] named = parse.GetValue(classCaptions) ?? [];
            if (evalDir is null && named.Length > 0) throw new CommandLineException("--class-caption: needs --eval-data, the held-out images it names the classes of.");
            if (evalDir is not null) CliOptions.RequireDirectory(evalDir, "--eval-data");
            var (curve, table) = run.CheckRunFolder(run.OutputDir);

            var encoder = textEncoder();
            try
            {
                var model = Build(encoder.PooledDimension);
                var captioned = run.LoadCaptionedImages(model.Description, parse.GetValue(captions));
                // Held-out images are opened (and their class count checked) before minutes of training.
                var heldOut = evalDir is null ? null : OpenHeldOut(evalDir, model.Description, named);
                var embeddings = Embeddings(captioned, run.DataDir, encoder);
                var options = shared.ToTrainingOptions(parse, run.OutputDir, parse.GetValue(steps), captioned.Images, shared.TimeBudget(parse));
                using var stop = new StopSignal(Tag);
                var result = run.Train(new ContrastiveTrainable(model, captioned.Captions, embeddings), new CaptionedTrainingSet(captioned), options, stop, curve, table);
                run.PrintResult(result, captioned.Images, curve);
                if (heldOut is not null && result.LastCheckpoint is { } last) Evaluate(last, heldOut, named, encoder, options.Device);
                return 0;
            }
            finally
            {
                HostTextEncoder.Release(encoder);
            }

            ContrastiveImageEncoder Build(int dim)
            {
                try
                {
                    return SeededInitialization.Create(() => new ContrastiveImageEncoder(parse.GetValue(channels), parse.GetValue(size), dim,
                        parse.GetValue(width), parse.GetValue(stages)), parse.GetValue(shared.Seed));
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new CommandLineException($"--width {parse.GetValue(width)} --stages {parse.GetValue(stages)}: {CommandAction.UserMessage(e)}");
                }
            }

            StreamingImageFolder OpenHeldOut(string dir, Runtime.Models.ModelDescription description, string[] classCaptionList)
            {
                var options = ModelData.Options(description) with
                {
                    Layout = ImageFolderLayout.ClassConditional,
                    Fit = CliOptions.ToImageFit(parse.GetValue(shared.Fit)!),
                    SkipBadFiles = parse.GetValue(shared.SkipBadImages),
                };
                var images = StreamingImageFolder.Open(dir, options, 64L << 20);
                foreach (var warning in images.Warnings) Console.Error.WriteLine($"warning: {warning}");
                if (classCaptionList.Length > 0 && classCaptionList.Length != images.ClassNames.Count)
                    throw new CommandLineException($"--class-caption: {classCaptionList.Length} given, but --eval-data {dir} has {images.ClassNames.Count} class folders "
                        + $"({string.Join(", ", images.ClassNames)}); give one per class, in that order.");
                Console.WriteLine($"{Tag} held out: {images.Count} images of {images.ClassNames.Count} classes in {dir}");
                return images;
            }
        }
    }

    /// <summary>The training captions' pooled embeddings, from the cache beside the data that train shares (encoded once).</summary>
    private static CaptionEmbeddings Embeddings(CaptionedImageFolder captioned, string dataDir, ITextEncoder encoder)
    {
        string cache = CaptionEmbeddingCache.PathFor(dataDir, encoder.Identity);
        var embeddings = CaptionEmbeddingCache.Load(cache, captioned.Captions.SelectMany(c => c), encoder);
        foreach (var warning in embeddings.Warnings) Console.Error.WriteLine($"warning: {warning}");
        Console.WriteLine($"{Tag} {embeddings.Captions.Count} distinct captions by {encoder.Identity.ModelId} ({embeddings.PooledDimension}-d pooled): "
            + $"{embeddings.Encoded} encoded, {embeddings.Reused} from {cache}");
        return embeddings;
    }

    /// <summary>
    /// Zero-shot top-1 of the checkpoint's EMA weights on the held-out images: each image given the class whose caption
    /// (--class-caption, else the class folder's name) is nearest, as CLIP classifies (Radford et al. 2021, Sec. 3.1.2).
    /// </summary>
    private static void Evaluate(string checkpoint, StreamingImageFolder heldOut, string[] named, ITextEncoder encoder, string device)
    {
        var classCaptions = named.Length > 0 ? named : heldOut.ClassNames.ToArray();
        using var trained = ContrastiveImageEncoder.Load(checkpoint, CliOptions.ToDevice(device));
        using var encoding = encoder.Encode(classCaptions);
        var accuracy = ZeroShotClassification.Evaluate(trained, heldOut, encoding.Pooled);
        Console.WriteLine($"{Tag} zero-shot top-1 on {accuracy.Total.Sum()} held-out images among {classCaptions.Length} class captions "
            + $"(EMA weights of {checkpoint}): {accuracy.TopOne:F4} (chance {1.0 / classCaptions.Length:F4})");
        for (int k = 0; k < classCaptions.Length; k++)
            Console.WriteLine($"{Tag}   {heldOut.ClassNames[k]} '{classCaptions[k]}': {accuracy.Correct[k]}/{accuracy.Total[k]}");
    }
}
