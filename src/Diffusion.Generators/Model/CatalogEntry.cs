namespace Diffusion.Generators.Model;

/// <summary>
/// A [DiffusionModel] or [NoisyClassifier] as the assembly's model catalog lists it: the class, the other name the
/// command line accepts, whether it is its kind's default, and where each is written (for the catalog's diagnostics).
/// </summary>
/// <param name="Type">The declared class.</param>
/// <param name="IsClassifier">A [NoisyClassifier] (else a [DiffusionModel]).</param>
/// <param name="CommandName">The declared CommandName, or null.</param>
/// <param name="IsDefault">The declared IsDefault.</param>
/// <param name="Identifier">The class's identifier.</param>
/// <param name="CommandNameLocation">The CommandName argument (the attribute when absent).</param>
/// <param name="IsDefaultLocation">The IsDefault argument (the attribute when absent).</param>
internal sealed record CatalogEntry(
    TypeName Type,
    bool IsClassifier,
    string? CommandName,
    bool IsDefault,
    LocationInfo? Identifier,
    LocationInfo? CommandNameLocation,
    LocationInfo? IsDefaultLocation)
{
    /// <summary>What the entry is, as the catalog's diagnostics say it.</summary>
    public string Kind => IsClassifier ? "noisy classifier" : "diffusion model";
}
