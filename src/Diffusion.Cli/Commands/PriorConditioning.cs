using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using Diffusion.Runtime.Unclip;
using Diffusion.Dsl;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// unCLIP's first stage as an unCLIP decoder's conditioning (Ramesh et al. 2022, Sec. 2.1), for sample and evaluate
/// alike: prompts encoded by the host's frozen text encoder, sampled by the prior (its default sampler at its declared
/// guidance over text, no thresholding), the embeddings scaled to unit length as the decoder learned them. Disposing
/// it releases the text encoder.
/// </summary>
internal sealed class PriorConditioning : IDisposable
{
    private readonly IDiffusionPrior prior;
    private readonly ITextEncoder encoder;
    private readonly SamplerKind kind;
    private readonly double weight;
    private readonly int steps;
    private readonly int tokenDim;

    private PriorConditioning(IDiffusionPrior prior, string resolved, ITextEncoder encoder, int steps, int tokenDim)
    {
        this.prior = prior;
        this.encoder = encoder;
        this.steps = Math.Min(steps, prior.Schedule.Length);
        this.tokenDim = tokenDim;
        kind = CliOptions.ChooseSampler(null, prior);
        weight = CliOptions.ChooseGuidance(null, prior);
        Resolved = resolved;
    }

    /// <summary>The prior checkpoint's folder.</summary>
    public string Resolved { get; }

    /// <summary>Where the conditioning comes from, for the command's header.</summary>
    public string Source => $"through prior {prior.Description.Name}, encoder {encoder.Identity.ModelId}";

    /// <summary>How the prior samples, for the command's log.</summary>
    public string Settings => $"{kind} with {steps} steps, guidance {weight} over text, no thresholding; embeddings scaled to unit length";

    /// <summary>
    /// Refuses a model that cannot be conditioned through a prior: a prior itself, or a model that cross-attends over
    /// text tokens (an image embedding has none).
    /// </summary>
    public static void RefuseUnlessDecoder(ITextDiffusionModel model, string option, string checkpointPath)
    {
        string name = model.Description.Name;
        if (model is IDiffusionPrior) throw new CommandLineException($"{option}: {name} is a prior; sample or evaluate a decoder with --prior {checkpointPath}.");
        if (model.ReadsTokens) throw new CommandLineException($"{option}: {name} cross-attends over text tokens, which an image embedding does not have.");
    }

    /// <summary>
    /// Loads the prior that <paramref name="priorPath"/> holds (found in <paramref name="catalog"/> by the model name its
    /// config records) for <paramref name="decoder"/>, with at most <paramref name="steps"/> sampler steps.
    /// </summary>
    public static PriorConditioning Open(ModelCatalog catalog, string priorPath, ITextDiffusionModel decoder, Func<ITextEncoder>? textEncoder,
        int steps, Device target, bool verify)
    {
        RefuseUnlessDecoder(decoder, "--prior", priorPath);
        string directory = RunFolder.Resolve(priorPath, verify: verify);
        string name = CheckpointVerification.Verify(directory, verify).Description.Name;
        var entry = catalog.Find(name) is { Kind: ModelKind.Diffusion } found ? found
            : throw new CommandLineException($"--prior {priorPath}: its checkpoint is of {name}, which is not a diffusion model of this program.");
        var prior = LoadedModel.Diffusion(entry) as IDiffusionPrior
            ?? throw new CommandLineException($"--prior {priorPath}: its checkpoint is of {name}, which is not an unCLIP prior ([DiffusionPrior]).");
        if (prior.EmbeddingDim != decoder.PooledDim)
            throw new CommandLineException($"--prior {priorPath}: {name} generates embeddings {prior.EmbeddingDim} wide; {decoder.Description.Name} is conditioned on {decoder.PooledDim}.");
        string resolved = LoadedModel.Load(prior, priorPath, target, verify);
        return new PriorConditioning(prior, resolved, HostTextEncoder.For(textEncoder, prior), steps, decoder.TokenDim);
    }

    /// <summary>
    /// The decoder's conditioning for <paramref name="prompts"/>: one prior sample each, drawn from
    /// <paramref name="generator"/> (which the decoder's samples then continue), in the caller's dispose scope.
    /// </summary>
    public TextConditioning Condition(IReadOnlyList<string> prompts, Generator generator)
    {
        using var encoding = encoder.Encode(prompts.ToArray());
        var text = encoding.ToConditioning(prior.MaxTokens);
        var request = new SampleRequest(prompts.Count, null, steps, 0.0, weight) { Thresholding = Thresholding.None };
        var embeddings = EmbeddingConditioning.FromPriorSamples(prior.SampleText(text, kind, request, generator));    // (B, D)
        return EmbeddingConditioning.From(embeddings, tokenDim);
    }

    /// <summary>Releases the text encoder.</summary>
    public void Dispose() => HostTextEncoder.Release(encoder);
}
