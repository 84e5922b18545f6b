namespace Diffusion.Generators.Model;

/// <summary>
/// A [DiffusionModel], [NoisyClassifier] or [Autoencoder] as the assembly's model catalog lists it: the class, the other name the
/// command line accepts, whether it is its kind's default, and where each is written (for the catalog's diagnostics).
/// </summary>
/// <param name="Type">The declared class.</param>
/// <param name="Category">What the declaration is; the catalog lists the categories in this order.</param>
/// <param name="CommandName">The declared CommandName, or null.</param>
/// <param name="IsDefault">The declared IsDefault.</param>
/// <param name="Identifier">The class's identifier.</param>
/// <param name="CommandNameLocation">The CommandName argument (the attribute when absent).</param>
/// <param name="IsDefaultLocation">The IsDefault argument (the attribute when absent).</param>
internal sealed record CatalogEntry(
    TypeName Type,
    CatalogCategory Category,
    string? CommandName,
    bool IsDefault,
    LocationInfo? Identifier,
    LocationInfo? CommandNameLocation,
    LocationInfo? IsDefaultLocation)
{
    /// <summary>What the entry is, as the catalog's diagnostics say it.</summary>
    public string Kind => Category switch
    {
        CatalogCategory.NoisyClassifier => "noisy classifier",
        CatalogCategory.Autoencoder => "autoencoder",
        CatalogCategory.Cascade => "cascade",
        _ => "diffusion model",
    };
}
