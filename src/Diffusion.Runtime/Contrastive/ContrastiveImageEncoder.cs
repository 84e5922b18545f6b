using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using Diffusion.Dsl;
using Diffusion.Runtime.Checkpoints;
using Diffusion.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>
/// The trained half of a locked-text contrastive model: an <see cref="ImageEncoder"/> (<c>visual</c>) whose unit
/// embeddings live in the frozen text encoder's pooled space, and CLIP's learned temperature (<c>logit_scale</c>,
/// s = log(1 / tau), initialised to log(1 / 0.07) and used as exp(s) clamped at 100: Radford et al. 2021, Sec. 2.5).
/// Its checkpoints are the runtime's own (written by the <see cref="Training.Trainer"/> through
/// <see cref="ContrastiveTrainable"/>, loaded with the usual checks by <see cref="Load"/>); <see cref="Embed"/> is what
/// an unCLIP prior or decoder takes of an image.
/// </summary>
/// <remarks>
/// Not a declaration: the generator has no kind for an image-to-embedding network trained without a diffusion process
/// (an [Autoencoder] maps images to images, a [NoisyClassifier] takes timesteps), so this is hand-written runtime code,
/// described by <see cref="Description"/> (<c>contrastive_image_encoder</c> = 1 and its sizes, as an autoencoder's
/// description carries <c>autoencoder</c> = 1) and trained by the host's <c>train-image-encoder</c>.
/// </remarks>
public sealed class ContrastiveImageEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>The name in <see cref="Description"/>: the type's, as declared models name themselves.</summary>
    public const string ModelName = nameof(ContrastiveImageEncoder);

    /// <summary>CLIP's initial temperature, 0.07 (Radford et al. 2021, Sec. 2.5, after Wu et al. 2018).</summary>
    public const double InitialTemperature = 0.07;

    /// <summary>The most the logits are scaled by, 100 (Radford et al. 2021, Sec. 2.5: "clipped to prevent scaling the logits by more than 100").</summary>
    public const double MaxLogitScale = 100;

    private const string Marker = "contrastive_image_encoder";

    private readonly ImageEncoder visual;
    private readonly TorchSharp.Modules.Parameter logit_scale;
    private readonly Scalar maxLogScale = Math.Log(MaxLogitScale).ToScalar();

    /// <summary>An untrained encoder of <paramref name="imageSize"/>-pixel images into <paramref name="embeddingDim"/> dimensions.</summary>
    /// <param name="channels">C of the images.</param>
    /// <param name="imageSize">Their height and width (what the training folder must hold).</param>
    /// <param name="embeddingDim">D: the text encoder's pooled dimension.</param>
    /// <param name="width">The <see cref="ImageEncoder"/>'s stem width.</param>
    /// <param name="stages">Its stride-2 stages.</param>
    public ContrastiveImageEncoder(int channels, int imageSize, int embeddingDim, int width = 32, int stages = 2) : base(ModelName)
    {
        if (imageSize < 1) throw new ArgumentOutOfRangeException(nameof(imageSize), $"imageSize = {imageSize}; use at least 1.");
        visual = new ImageEncoder(channels, embeddingDim, width, stages);
        logit_scale = new TorchSharp.Modules.Parameter(tensor((float)Math.Log(1 / InitialTemperature)));
        RegisterComponents();
        Description = new ModelDescription(ModelName, channels, imageSize, Classes: null, Predicts: null, ScheduleKind.Linear, Timesteps: 0,
            new ReadOnlyDictionary<string, double>(new Dictionary<string, double>
            {
                [Marker] = 1,
                ["embedding_dim"] = embeddingDim,
                ["width"] = width,
                ["stages"] = stages,
                ["norm_groups"] = ImageEncoder.NormGroups,
            }));
    }

    /// <summary>The model as data, written beside its checkpoints and compared on load.</summary>
    public ModelDescription Description { get; }

    /// <summary>D of the embedding.</summary>
    public int EmbeddingDim => visual.EmbeddingDim;

    /// <summary>The image tower.</summary>
    public ImageEncoder Visual => visual;

    /// <summary>Unit image embeddings (N, D) of images (N, C, H, W) in [-1, 1], with gradients (training).</summary>
    public override Tensor forward(Tensor images) => visual.call(images);

    /// <summary>1 / tau = exp(s), clamped at <see cref="MaxLogitScale"/>; a scalar tensor that carries s's gradient below the clamp.</summary>
    public Tensor LogitScale()
    {
        using var scope = NewDisposeScope();
        return logit_scale.clamp_max(maxLogScale).exp().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The unit embeddings (N, D) of images (N, C, H, W) in [-1, 1] for use elsewhere (an unCLIP prior's targets, a
    /// decoder's conditioning): without gradients, on the images' device, in batches of <paramref name="batchSize"/>
    /// (the network has no dropout and no batch statistics, so train and eval mode embed alike).
    /// </summary>
    public Tensor Embed(Tensor images, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
            parts.Add(visual.call(images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start))));
        var result = parts.Count == 0 ? zeros(0, EmbeddingDim, device: images.device) : cat(parts, 0);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The encoder of a checkpoint, run or release folder <paramref name="path"/>: built at the sizes its config.json
    /// describes, its EMA weights loaded with the runtime's checks (checksums unless <paramref name="verify"/> is false,
    /// description, names, shapes), moved to <paramref name="device"/> (the CPU by default), in eval mode.
    /// </summary>
    /// <exception cref="CheckpointException">The folder holds no intact checkpoint, or one of another model.</exception>
    public static ContrastiveImageEncoder Load(string path, Device? device = null, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        string directory = RunFolder.Resolve(path, verify: verify);
        var described = CheckpointVerification.Verify(directory, verify).Description;
        if (described.Name != ModelName || !described.Network.TryGetValue(Marker, out double marker) || marker != 1)
            throw new CheckpointException(directory, $"'{directory}' holds a checkpoint of {described.Name}, not of a {ModelName}.");
        int Size(string key) => described.Network.TryGetValue(key, out double value) && value >= 0 && value <= int.MaxValue && value == Math.Floor(value)
            ? (int)value
            : throw new CheckpointException(directory, $"'{directory}': its description's '{key}' is missing or not a whole number.");
        ContrastiveImageEncoder encoder;
        try
        {
            encoder = new ContrastiveImageEncoder(described.Channels, described.ImageSize, Size("embedding_dim"), Size("width"), Size("stages"));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CheckpointException(directory, $"'{directory}' describes an encoder that cannot be built ({e.Message}).");
        }
        CheckpointLoader.LoadForSampling(new Checkpointed(encoder), directory, verify: verify);
        if (device is not null) encoder.to(device);
        encoder.eval();
        return encoder;
    }

    /// <summary>Disposes the clamp's Scalar with the module.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) maxLogScale.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>What the checkpoint loader needs of the encoder (no loss: loading only).</summary>
    private sealed class Checkpointed(ContrastiveImageEncoder encoder) : ITrainableModel
    {
        public nn.Module Network => encoder;

        public ModelDescription Description => encoder.Description;

        public Tensor TrainingLoss(Tensor x0, Tensor? labels, Generator generator) =>
            throw new NotSupportedException("A loaded encoder is not trained through this wrapper; use ContrastiveTrainable.");
    }
}
