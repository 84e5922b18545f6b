using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using Diffusion.Cli.Training;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Data;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Unclip;
using Diffusion.Dsl;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// sample for an unCLIP decoder (Ramesh et al. 2022, Sec. 2): prompts through a prior (text embedding -> image
/// embedding, sampled by the prior's default sampler at its declared guidance, no thresholding, then scaled to unit
/// length) into the decoder, or variations of images (their embeddings by the frozen image encoder, decoded with
/// different noise). Row i of the grid is prompt or image i.
/// </summary>
internal static class UnclipSample
{
    /// <summary>The options of the unCLIP paths.</summary>
    public sealed record Options(Option<string?> Prior, Option<string?> ImageEncoder, Option<string[]> VariationsOf)
    {
        /// <summary>--prior, --image-encoder and --variations-of.</summary>
        public static Options Create() => new(
            new Option<string?>("--prior") { Description = "For an unCLIP decoder: the prior's checkpoint, run or release folder; the prompts go through it." },
            new Option<string?>("--image-encoder") { Description = "For an unCLIP decoder's --variations-of: the train-image-encoder run that embeds the images." },
            new Option<string[]>("--variations-of")
            {
                Description = "For an unCLIP decoder: a PNG of its size (repeat for more rows); --per-prompt variations of each from its image embedding.",
                AllowMultipleArgumentsPerToken = false,
            });

        /// <summary>Adds them to <paramref name="command"/>.</summary>
        public void AddTo(Command command)
        {
            command.Add(Prior);
            command.Add(ImageEncoder);
            command.Add(VariationsOf);
        }

        /// <summary>Whether the parse takes an unCLIP path.</summary>
        public bool Asked(ParseResult parse) => parse.GetValue(Prior) is not null || parse.GetValue(VariationsOf) is { Length: > 0 };

        /// <summary>Refuses the options for a model that is no decoder.</summary>
        public void RefuseFor(ParseResult parse, string name, string reason)
        {
            if (Asked(parse) || parse.GetValue(ImageEncoder) is not null)
                throw new CommandLineException($"--prior, --image-encoder and --variations-of are for an unCLIP decoder; {name} {reason}.");
        }
    }

    /// <summary>Samples the grid for <paramref name="decoder"/> from <paramref name="checkpointPath"/> as the options ask.</summary>
    public static int Run(ParseResult parse, ModelCatalog catalog, ITextDiffusionModel decoder, string checkpointPath, Func<ITextEncoder>? textEncoder,
        TextSample.Options o, Options u, Device target, bool verify)
    {
        string name = decoder.Description.Name;
        if (decoder is IDiffusionPrior) u.RefuseFor(parse, name, "is a prior: sample the decoder with --prior " + checkpointPath);
        if (decoder.ReadsTokens) u.RefuseFor(parse, name, "cross-attends over text tokens, which an image embedding does not have");
        var files = parse.GetValue(u.VariationsOf) ?? [];
        if (files.Length > 0)
        {
            if (parse.GetValue(u.Prior) is not null) throw new CommandLineException("--prior and --variations-of: choose one (prompts through the prior, or variations of images).");
            if (textEncoder is not null && (parse.GetValue(o.Prompt) is { Length: > 0 } || parse.GetValue(o.PromptsFile) is not null))
                throw new CommandLineException("--prompt: variations are of the --variations-of images; prompts go through --prior.");
            return Variations(parse, decoder, checkpointPath, files, o, u, target, verify);
        }
        if (parse.GetValue(u.ImageEncoder) is not null) throw new CommandLineException("--image-encoder: it embeds --variations-of images; prompts go through --prior.");
        return ThroughPrior(parse, catalog, decoder, checkpointPath, parse.GetValue(u.Prior)!, textEncoder, o, target, verify);
    }

    private static int Variations(ParseResult parse, ITextDiffusionModel decoder, string checkpointPath, string[] files, TextSample.Options o, Options u, Device target, bool verify)
    {
        string encoderPath = parse.GetValue(u.ImageEncoder)
            ?? throw new CommandLineException("--image-encoder is needed: --variations-of images are embedded by the image encoder the decoder trained with.");
        using var scope = NewDisposeScope();
        using var imageEncoder = UnclipRun.LoadEncoder(encoderPath, decoder, target, verify);
        var sources = ImageFiles.Load(files, ModelData.Options(decoder.Description));    // (N, C, H, W)
        var embeddings = imageEncoder.Embed(sources.to(target));                           // (N, D) unit rows
        string resolved = LoadedModel.Load(decoder, checkpointPath, target, verify);
        return TextSample.Grid(parse, decoder, files, $"variations: image encoder {encoderPath}", resolved, [.. CliOptions.Inputs(checkpointPath, resolved), .. files],
            o, target, (rows, _) => EmbeddingConditioning.From(embeddings.index_select(0, tensor(rows, device: target)), decoder.TokenDim));
    }

    private static int ThroughPrior(ParseResult parse, ModelCatalog catalog, ITextDiffusionModel decoder, string checkpointPath, string priorPath,
        Func<ITextEncoder>? textEncoder, TextSample.Options o, Device target, bool verify)
    {
        var prompts = TextSample.Prompts(parse, o);
        var (prior, priorResolved) = LoadPrior(catalog, priorPath, target, verify);
        if (prior.EmbeddingDim != decoder.PooledDim)
            throw new CommandLineException($"--prior {priorPath}: {prior.Description.Name} generates embeddings {prior.EmbeddingDim} wide; {decoder.Description.Name} is conditioned on {decoder.PooledDim}.");
        var encoder = HostTextEncoder.For(textEncoder, prior);
        try
        {
            string resolved = LoadedModel.Load(decoder, checkpointPath, target, verify);
            var kind = CliOptions.ChooseSampler(null, prior);
            double weight = CliOptions.ChooseGuidance(null, prior);
            int steps = Math.Min(parse.GetValue(o.Sampling.Steps), prior.Schedule.Length);
            Console.WriteLine($"[sample] prior {priorResolved}: {kind} with {steps} steps, guidance {weight} over text, no thresholding; embeddings scaled to unit length");
            return TextSample.Grid(parse, decoder, prompts, $"through prior {prior.Description.Name}, encoder {encoder.Identity.ModelId}", resolved,
                CliOptions.Inputs(checkpointPath, resolved, priorPath, priorResolved), o, target, (rows, generator) =>
                {
                    using var encoding = encoder.Encode(rows.Select(row => prompts[(int)row]).ToArray());
                    var text = encoding.ToConditioning(prior.MaxTokens);
                    var request = new SampleRequest(rows.Length, null, steps, 0.0, weight) { Thresholding = Thresholding.None };
                    var embeddings = EmbeddingConditioning.FromPriorSamples(prior.SampleText(text, kind, request, generator));    // (B, D)
                    return EmbeddingConditioning.From(embeddings, decoder.TokenDim);
                });
        }
        finally
        {
            HostTextEncoder.Release(encoder);
        }
    }

    // The prior a checkpoint holds, found in the catalog by the model name its config records.
    private static (IDiffusionPrior Prior, string Resolved) LoadPrior(ModelCatalog catalog, string path, Device target, bool verify)
    {
        string directory = RunFolder.Resolve(path, verify: verify);
        string name = CheckpointVerification.Verify(directory, verify).Description.Name;
        var entry = catalog.Find(name) is { Kind: ModelKind.Diffusion } found ? found
            : throw new CommandLineException($"--prior {path}: its checkpoint is of {name}, which is not a diffusion model of this program.");
        var prior = LoadedModel.Diffusion(entry) as IDiffusionPrior
            ?? throw new CommandLineException($"--prior {path}: its checkpoint is of {name}, which is not an unCLIP prior ([DiffusionPrior]).");
        return (prior, LoadedModel.Load(prior, path, target, verify));
    }
}
