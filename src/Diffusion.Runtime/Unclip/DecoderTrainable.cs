using System;
using Diffusion.Runtime.Models;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Unclip;

/// <summary>
/// What the <see cref="Training.Trainer"/> optimises for an unCLIP decoder (Ramesh et al. 2022, Sec. 2.2) fed by an
/// <see cref="IndexedTrainingSet"/>: each image conditioned on its own embedding by the frozen image encoder
/// (<see cref="ImageEmbeddings"/>), which the model drops to its null embedding at its declared rate. The network and
/// description are the model's, so its checkpoints are the model's. A latent decoder is fed by an
/// <see cref="Training.EncodedTrainingSet"/> over the indexed images: its batches are the posteriors' moments, from which
/// it draws the latents (<see cref="Training.LatentTrainable.Latents"/>) before the loss's own draws.
/// </summary>
public sealed class DecoderTrainable : ITrainableModel, IDisposable
{
    private readonly Tensor embeddings;

    /// <summary>The decoder <paramref name="model"/> on images whose embeddings are the rows of <paramref name="embeddings"/> (N, D), copied.</summary>
    public DecoderTrainable(ITextDiffusionModel model, Tensor embeddings)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(embeddings);
        if (model is IDiffusionPrior) throw new ArgumentException($"{model.Description.Name} is a prior: it generates embeddings, it is not conditioned on them.", nameof(model));
        if (embeddings.dim() != 2 || embeddings.shape[1] != model.PooledDim)
            throw new ArgumentException($"{model.Description.Name} takes embeddings of width {model.PooledDim}; these are ({string.Join(", ", embeddings.shape)}): "
                + "use an image encoder whose embedding width is the model's PooledDim.", nameof(embeddings));
        this.embeddings = embeddings.detach().to(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
    }

    /// <summary>The decoder trained.</summary>
    public ITextDiffusionModel Model { get; }

    /// <inheritdoc/>
    public nn.Module Network => Model.Network;

    /// <inheritdoc/>
    public ModelDescription Description => Model.Description;

    /// <summary>The loss of the images <paramref name="x0"/> (B, C, H, W; a latent decoder's: their posteriors' moments) whose indices <paramref name="labels"/> (B) holds, each conditioned on its own embedding.</summary>
    public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(generator);
        if (labels is null) throw new ArgumentException("A decoder's batch carries its images' indices in the labels' place (IndexedTrainingSet).", nameof(labels));
        using var scope = NewDisposeScope();
        var own = embeddings.index_select(0, labels.cpu()).to(x0.device);    // (B, D)
        var conditioning = EmbeddingConditioning.From(own, Model.TokenDim);
        var clean = Training.LatentTrainable.CleanSamples(Model, x0, generator);
        return Model.TrainingLoss(clean, conditioning, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the embeddings.</summary>
    public void Dispose() => embeddings.Dispose();
}
