using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// How a grid's rows of prompts become a text-conditioned model's conditioning: encoded by the host's frozen text
/// encoder, or, with a prior, through it into an unCLIP decoder's image embeddings (<see cref="PriorConditioning"/>).
/// Owns the encoder or the prior until disposed.
/// </summary>
internal sealed class PromptConditioning : IDisposable
{
    private readonly ITextEncoder? encoder;
    private readonly PriorConditioning? prior;

    private PromptConditioning(ITextEncoder? encoder, PriorConditioning? prior, Func<IReadOnlyList<string>, Generator, TextConditioning> ofPrompts,
        string source, string[] inputs)
    {
        this.encoder = encoder;
        this.prior = prior;
        OfPrompts = ofPrompts;
        Source = source;
        Inputs = inputs;
    }

    /// <summary>The conditioning of a batch of prompts, in the caller's dispose scope.</summary>
    public Func<IReadOnlyList<string>, Generator, TextConditioning> OfPrompts { get; }

    /// <summary>The conditioning of a batch of row indices of <paramref name="prompts"/>, in the caller's dispose scope.</summary>
    public Func<long[], Generator, TextConditioning> OfRows(IReadOnlyList<string> prompts) =>
        (rows, generator) => OfPrompts(rows.Select(row => prompts[(int)row]).ToArray(), generator);

    /// <summary>Where the conditioning comes from, for the command's header.</summary>
    public string Source { get; }

    /// <summary>How the prior samples, or null without one.</summary>
    public string? Settings => prior is null ? null : $"prior {prior.Resolved}: {prior.Settings}";

    /// <summary>The files read besides the model's checkpoints (the prior's), which no output may replace.</summary>
    public string[] Inputs { get; }

    /// <summary>
    /// The conditioning of prompts for <paramref name="model"/>: through the prior at <paramref name="priorPath"/> when
    /// given (at most <paramref name="steps"/> of its steps), else the encoder's.
    /// </summary>
    public static PromptConditioning Open(ModelCatalog catalog, string? priorPath, ITextDiffusionModel model, Func<ITextEncoder>? textEncoder,
        int steps, Device target, bool verify)
    {
        if (priorPath is null)
        {
            var encoder = HostTextEncoder.For(textEncoder, model);
            return new PromptConditioning(encoder, null, Encoded(encoder, model), $"encoder {encoder.Identity.ModelId}", []);
        }
        var prior = PriorConditioning.Open(catalog, priorPath, model, textEncoder, steps, target, verify);
        return new PromptConditioning(null, prior, prior.Condition, prior.Source, [priorPath, prior.Resolved]);
    }

    /// <summary>The conditioning of a batch of prompts: the encoder's embeddings of them, as <paramref name="model"/> takes them.</summary>
    public static Func<IReadOnlyList<string>, Generator, TextConditioning> Encoded(ITextEncoder encoder, ITextDiffusionModel model) =>
        (prompts, _) =>
        {
            using var encoding = encoder.Encode(prompts.ToArray());
            return encoding.ToConditioning(model.MaxTokens);
        };

    /// <summary>Releases the encoder or the prior's.</summary>
    public void Dispose()
    {
        if (encoder is not null) HostTextEncoder.Release(encoder);
        prior?.Dispose();
    }
}
