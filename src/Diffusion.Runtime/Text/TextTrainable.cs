using System;
using System.Collections.Generic;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Training;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// What the <see cref="Training.Trainer"/> optimises for a text-conditioned model fed by a
/// <see cref="CaptionedTrainingSet"/>: each batch's labels are its images' indices; one of each image's captions is
/// drawn from the step's generator (so a resumed run draws what an uninterrupted one drew), its cached embeddings are
/// gathered, and the model takes its loss on (images, captions) (<see cref="ITextDiffusionModel.TrainingLoss"/>, which
/// drops captions to the null embedding at its declared rate). The network and description are the model's, so its
/// checkpoints are the model's. A latent text model (Rombach et al. 2022, Sec. 3.3) is fed by an
/// <see cref="Training.EncodedTrainingSet"/> over the captioned images: its batches are the posteriors' moments, and the
/// latent is drawn after the captions (<see cref="LatentTrainable.Latents"/>), before the loss's own draws.
/// </summary>
/// <param name="model">The text-conditioned model trained.</param>
/// <param name="captions">Each image's captions (index i: image i of the training set), at least one each.</param>
/// <param name="embeddings">The embeddings of every caption in <paramref name="captions"/>.</param>
public sealed class TextTrainable(ITextDiffusionModel model, IReadOnlyList<IReadOnlyList<string>> captions, CaptionEmbeddings embeddings)
    : ITrainableModel
{
    private readonly IReadOnlyList<IReadOnlyList<string>> captions = captions ?? throw new ArgumentNullException(nameof(captions));
    private readonly CaptionEmbeddings embeddings = embeddings ?? throw new ArgumentNullException(nameof(embeddings));

    /// <summary>The text-conditioned model trained.</summary>
    public ITextDiffusionModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public nn.Module Network => Model.Network;

    /// <inheritdoc/>
    public ModelDescription Description => Model.Description;

    /// <summary>
    /// The loss of the images <paramref name="x0"/> (B, C, H, W; a latent model's: their posteriors' moments) whose indices
    /// <paramref name="labels"/> (B) holds: a caption drawn per image (the generator's first B uniforms), then the model's
    /// own draws.
    /// </summary>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        if (labels is null) throw new ArgumentException("A text model's batch carries its images' indices in the labels' place (CaptionedTrainingSet).", nameof(labels));
        using var scope = NewDisposeScope();
        var picked = CaptionDraw.Draw(labels, captions, generator);
        using var encoding = embeddings.Gather(picked);
        var text = encoding.ToConditioning(Model.MaxTokens);
        var clean = LatentTrainable.CleanSamples(Model, x0, generator);
        return Model.TrainingLoss(clean, text, generator).MoveToOuterDisposeScope();
    }
}
