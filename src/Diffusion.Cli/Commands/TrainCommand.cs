using System;
using System.CommandLine;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Distributed;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Training;

namespace Diffusion.Cli.Commands;

/// <summary>train: AdamW + EMA + gradient clipping on an image folder, with checkpoints and exact resume.</summary>
internal static class TrainCommand
{
    private const string Tag = "[train]";

    public static Command Create(ModelCatalog catalog, Func<ITextEncoder>? textEncoder = null)
    {
        var shared = new TrainingRunOptions("Run folder: checkpoints/, loss.png and loss.csv are written there.");
        var steps = CliOptions.Positive("--steps", 10000, "Total optimizer steps (with --resume, the total including earlier sittings).");
        var model = ModelOption.Trainable(catalog, "What to train");
        var autoencoderPath = new Option<string?>("--autoencoder") { Description = "For a latent diffusion model's first sitting: a checkpoint, run or release folder of its declared autoencoder (frozen, then kept in the model's checkpoints)." };
        var areaFrom = CliOptions.AreaFrom();
        var teacher = new Option<string?>("--teacher") { Description = "For a consistency model distilled from a teacher: the teacher's checkpoint, run or release folder (its weights stay frozen)." };
        var captions = new Option<string?>("--captions") { Description = "For a text-conditioned model: the captions file (default: captions.tsv in --data), lines 'image path<TAB>caption'." };
        var imageEncoderPath = new Option<string?>("--image-encoder")
        {
            Description = "unCLIP: a train-image-encoder run (frozen). A prior learns its embedding of each captioned image; a model with a pooled-only "
                + "[TextConditioning] learns each image from its embedding (the decoder).",
        };
        var command = new Command("train", "Train a declared diffusion model, consistency model, noisy classifier or autoencoder on an image folder.") { model.Option, shared.Data, shared.Output, steps, teacher, autoencoderPath, areaFrom, imageEncoderPath };
        if (textEncoder is not null) command.Add(captions);
        shared.AddTo(command);
        CommandAction.Set(command, parse =>
        {
            using var job = JobCollective.Start(Tag);
            return JobCollective.Run(job, () => Train(parse, job));
        });
        return command;

        int Train(ParseResult parse, ICollective job)
        {
            var run = new TrainingRun(shared, parse, Tag);
            run.Validate();
            // The run folder's own files are checked before minutes of training: a loss curve or table this command did not write is not replaced.
            var (curve, table) = run.CheckRunFolder(run.OutputDir);

            // The declaration says what the folder must hold; the seeded factory draws the same first weights for the same --seed.
            var declared = SeededInitialization.Create(model.Resolve(parse).Factory, parse.GetValue(shared.Seed));
            var device = CliOptions.ToDevice(parse.GetValue(shared.Device)!);
            var trainable = Objective(declared, catalog, parse.GetValue(teacher), device);
            var autoencoder = trainable as IAutoencoder;
            string? grid = autoencoder is null ? null : run.CheckRunPng(run.OutputDir, ReconstructionGrid.FileName);
            // An autoencoder, an unCLIP decoder and an unconditional upsampler take no labels: the images of class
            // subfolders (such as MNIST's) are their data too.
            // --area-from: full-size images, area-averaged to the model's size as a cascade's super-resolution stage does.
            int? fullSize = parse.GetValue(areaFrom);
            int size = trainable.Description.ImageSize;
            if (fullSize is { } from && (from <= size || from % size != 0))
                throw new CommandLineException($"--area-from {from}: must be a multiple of {trainable.Description.Name}'s size {size} above it (such as {2 * size}).");
            if (declared is not ITextDiffusionModel && textEncoder is not null && parse.GetValue(captions) is not null)
                throw new CommandLineException($"--captions: {trainable.Description.Name} is not conditioned on text.");
            using var imageEncoder = parse.GetValue(imageEncoderPath) is { } encoderPath
                ? declared is ITextDiffusionModel conditioned
                    ? UnclipRun.LoadEncoder(encoderPath, conditioned, device, verify: true, imageSize: fullSize)
                    : throw new CommandLineException($"--image-encoder: {trainable.Description.Name} is neither an unCLIP prior nor conditioned on embeddings ([TextConditioning]).")
                : null;
            if (declared is IDiffusionPrior && imageEncoder is null)
                throw new CommandLineException($"--image-encoder is needed: {trainable.Description.Name} is an unCLIP prior, which learns a train-image-encoder run's embeddings of the captioned images.");
            bool decoder = imageEncoder is not null && declared is not IDiffusionPrior;
            if (decoder && parse.GetValue(captions) is not null)
                throw new CommandLineException($"--captions: {trainable.Description.Name} trains as an unCLIP decoder on the images' own embeddings, without captions.");
            // A prior's data are the captioned images the image encoder takes; its own "images" are their embeddings.
            var captioned = declared is ITextDiffusionModel && !decoder
                ? run.LoadCaptionedImages(declared is IDiffusionPrior ? imageEncoder!.Description
                    : fullSize is { } captionedSide ? trainable.Description with { ImageSize = captionedSide } : trainable.Description, parse.GetValue(captions))
                : null;
            var images = captioned?.Images ?? run.LoadImages(fullSize is { } side ? trainable.Description with { ImageSize = side } : trainable.Description,
                anyLayout: autoencoder is not null || decoder || declared is Diffusion.Runtime.Cascades.ISuperResolutionModel { Description.Classes: null });
            var options = shared.ToTrainingOptions(parse, run.OutputDir, parse.GetValue(steps), images, shared.TimeBudget(parse));
            if (options.BatchSize % job.Size != 0)
                throw new CommandLineException($"--batch-size {options.BatchSize}: not a multiple of the {job.Size} MPI processes; each takes an equal share of the batch.");
            ITrainingSet data = fullSize is { } full ? new Diffusion.Runtime.Cascades.AreaDownsampledTrainingSet(images, full, size) : images;
            if (fullSize is { } averaged)
                Console.WriteLine($"{Tag} --area-from {averaged}: each {averaged / size}x{averaged / size} block averaged to {trainable.Description.Name}'s {size}x{size}");
            if (declared is ITextDiffusionModel text)
            {
                if (fullSize is not null && text is IDiffusionPrior)
                    throw new CommandLineException($"--area-from: {text.Description.Name} is an unCLIP prior; it learns the image encoder's embeddings of the images as they are.");
                (trainable, data) = text is IDiffusionPrior prior ? UnclipRun.PreparePrior(prior, captioned!, run.DataDir, textEncoder, imageEncoder!, Tag)
                    : decoder ? UnclipRun.PrepareDecoder(text, images, imageEncoder!, Tag, fullSize)
                    : TextRun.Prepare(text, captioned!, run.DataDir, textEncoder, Tag, fullSize);
            }
            if (declared is ILatentDiffusionModel && fullSize is not null)
                throw new CommandLineException($"--area-from: {trainable.Description.Name} trains on its autoencoder's latents of the images themselves.");
            if (declared is ILatentDiffusionModel latent)
            {
                bool resuming = run.Resume && new Diffusion.Runtime.Checkpoints.RunFolder(run.OutputDir).List().Count > 0;
                (trainable, data) = LatentRun.Prepare(latent, trainable, data, parse.GetValue(autoencoderPath), resuming, device, parse.GetValue(shared.Seed), Tag);
            }
            else if (parse.GetValue(autoencoderPath) is not null)
            {
                throw new CommandLineException($"--autoencoder: {trainable.Description.Name} is not a latent diffusion model (declare [LatentDiffusion] on it).");
            }
            using var stop = new StopSignal(Tag);
            var result = run.Train(trainable, data, options, stop, curve, table, job);
            run.PrintResult(result, images, curve);
            if (autoencoder is not null && result.LastCheckpoint is { } last)
            {
                var (error, psnr) = ReconstructionGrid.Write(autoencoder, last, images, grid!);
                Console.WriteLine($"{Tag} reconstructions (EMA weights, images above their reconstructions): {grid}; "
                    + $"mean |x - x_hat| {error:F4}, PSNR {psnr:F2} dB on them");
            }
            return 0;
        }
    }

    /// <summary>
    /// What the trainer optimises: a consistency model's declared consistency loss (Song et al. 2023: training from data,
    /// or distillation from the --teacher checkpoint, starting from its weights), else the declaration's own training loss.
    /// </summary>
    private static ITrainableModel Objective(ITrainableModel declared, ModelCatalog catalog, string? teacherPath, TorchSharp.torch.Device device)
    {
        string name = declared.Description.Name;
        if (declared is not IConsistencyModel consistency)
        {
            if (teacherPath is not null) throw new CommandLineException($"--teacher: {name} is not a consistency model distilled from a teacher (progressive-distillation students train with distill).");
            return declared;
        }
        if (consistency.TeacherType is not { } type)
        {
            if (teacherPath is not null) throw new CommandLineException($"--teacher: {name} is trained from data (its [ConsistencyModel] names no Teacher).");
            return new ConsistencyTrainable(consistency);
        }
        if (teacherPath is null) throw new CommandLineException($"--teacher is needed: {name} is distilled from {type.Name}; pass a checkpoint, run or release folder of it.");
        var teacherModel = LoadedModel.Teacher(catalog, type, name, teacherPath, device, verify: true, Tag).Model;
        // The student starts as its teacher, as Song et al. 2023's released training script does (it copies the
        // teacher's parameters into the model): with f's parameterization it is then the teacher's one-step denoiser,
        // not noise. A resumed run replaces these weights with its checkpoint's.
        NetworkCopy.Of(teacherModel.Network, consistency.Network);
        return new ConsistencyTrainable(consistency, teacherModel);
    }
}
