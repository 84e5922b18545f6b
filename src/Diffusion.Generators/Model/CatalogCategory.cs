namespace Diffusion.Generators.Model;

/// <summary>What a catalogued declaration is, in the order the catalog lists them (the runtime's ModelKind).</summary>
internal enum CatalogCategory
{
    /// <summary>A [DiffusionModel].</summary>
    DiffusionModel,

    /// <summary>A [NoisyClassifier].</summary>
    NoisyClassifier,

    /// <summary>An [Autoencoder].</summary>
    Autoencoder,

    /// <summary>A [Cascade].</summary>
    Cascade,
}
