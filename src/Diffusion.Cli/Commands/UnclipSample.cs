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
        PriorConditioning.RefuseUnlessDecoder(decoder, "--prior, --image-encoder and --variations-of", checkpointPath);
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
        using var prior = PromptConditioning.Open(catalog, priorPath, decoder, textEncoder, parse.GetValue(o.Sampling.Steps), target, verify);
        string resolved = LoadedModel.Load(decoder, checkpointPath, target, verify);
        Console.WriteLine($"[sample] {prior.Settings}");
        return TextSample.Grid(parse, decoder, prompts, prior.Source, resolved, CliOptions.Inputs([checkpointPath, resolved, .. prior.Inputs]), o, target,
            prior.OfRows(prompts));
    }
}
