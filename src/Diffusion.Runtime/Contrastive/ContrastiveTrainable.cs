using System;
using System.Collections.Generic;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>
/// What the <see cref="Training.Trainer"/> optimises for a <see cref="ContrastiveImageEncoder"/> fed by a
/// <see cref="CaptionedTrainingSet"/>: each batch's labels are its images' indices; one of each image's captions is
/// drawn from the step's generator (so a resumed run draws what an uninterrupted one drew), the frozen text encoder's
/// cached pooled embeddings of those captions are gathered and L2-normalised (CLIP normalises both sides; MiniLM's are
/// unit already), and the loss is <see cref="ContrastiveLoss"/> (whose remarks say why a caption drawn for two images
/// of a batch needs no correction). The
/// text embeddings are inputs: the network, and so what trains and what checkpoints hold, is the image tower and the
/// temperature alone.
/// </summary>
/// <param name="model">The image encoder trained.</param>
/// <param name="captions">Each image's captions (index i: image i of the training set), at least one each.</param>
/// <param name="embeddings">The embeddings of every caption in <paramref name="captions"/>, of the encoder's pooled width.</param>
public sealed class ContrastiveTrainable(ContrastiveImageEncoder model, IReadOnlyList<IReadOnlyList<string>> captions, CaptionEmbeddings embeddings)
    : ITrainableModel
{
    private readonly IReadOnlyList<IReadOnlyList<string>> captions = captions ?? throw new ArgumentNullException(nameof(captions));
    private readonly CaptionEmbeddings embeddings = Checked(model, embeddings);

    /// <summary>The image encoder trained.</summary>
    public ContrastiveImageEncoder Model { get; } = model;

    /// <inheritdoc/>
    public nn.Module Network => Model;

    /// <inheritdoc/>
    public ModelDescription Description => Model.Description;

    /// <summary>
    /// The loss of the images <paramref name="x0"/> (B, C, H, W) whose indices <paramref name="labels"/> (B) holds: a
    /// caption drawn per image (caption floor(u k) of its k, u the generator's first B float64 uniforms), then the
    /// contrastive loss of the image embeddings against those captions' embeddings.
    /// </summary>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        if (labels is null) throw new ArgumentException("An image encoder's batch carries its images' indices in the labels' place (CaptionedTrainingSet).", nameof(labels));
        using var scope = NewDisposeScope();
        var picked = CaptionDraw.Draw(labels, captions, generator);
        using var encoding = embeddings.Gather(picked);
        var texts = UnitRows.Of(encoding.Pooled.to(x0.device));                           // (B, D) unit v_j
        var images = Model.call(x0);                                                      // (B, D) unit u_i
        return ContrastiveLoss.Compute(images, texts, Model.LogitScale()).MoveToOuterDisposeScope();
    }

    private static CaptionEmbeddings Checked(ContrastiveImageEncoder model, CaptionEmbeddings embeddings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.PooledDimension != model.EmbeddingDim)
            throw new ArgumentException($"The caption embeddings are {embeddings.PooledDimension}-wide, the image encoder's {model.EmbeddingDim}-wide.", nameof(embeddings));
        return embeddings;
    }
}
