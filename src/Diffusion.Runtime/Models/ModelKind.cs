namespace Diffusion.Runtime.Models;

/// <summary>What a declared model is, and so which commands take it.</summary>
public enum ModelKind
{
    /// <summary>A <c>[DiffusionModel]</c> class (<see cref="IDiffusionModel"/>): trained, sampled, evaluated.</summary>
    Diffusion,

    /// <summary>A <c>[NoisyClassifier]</c> class (<see cref="INoisyClassifier"/>): trained, then guides a sampler.</summary>
    NoisyClassifier,

    /// <summary>An <c>[Autoencoder]</c> class (<see cref="IAutoencoder"/>): trained, then encodes and decodes images.</summary>
    Autoencoder,

    /// <summary>
    /// A <c>[Cascade]</c> class (<see cref="Cascades.ICascadeModel"/>): sampled as a chain of diffusion models, each
    /// trained as its own <see cref="Diffusion"/> entry.
    /// </summary>
    Cascade,
}
