using Diffusion.Runtime.Models;

namespace HostTestApp;

/// <summary>The catalog the generator will emit: two models, neither the default, so --model is needed.</summary>
public static class DeclaredModels
{
    /// <summary>RgbDiffusion and ShapesDiffusion, by class name only.</summary>
    public static ModelCatalog Catalog { get; } = new(
        ModelEntry.Diffusion(nameof(RgbDiffusion), static () => new RgbDiffusion()),
        ModelEntry.Diffusion(nameof(ShapesDiffusion), static () => new ShapesDiffusion()));
}
