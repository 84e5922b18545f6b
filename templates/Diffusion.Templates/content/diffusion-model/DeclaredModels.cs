using Diffusion.Runtime.Models;

namespace MyModel;

// Written by hand until the generator emits DeclaredModels.Catalog itself; then delete this file.

/// <summary>The models this program declares, by command-line name (the class name, in any case).</summary>
public static class DeclaredModels
{
    /// <summary>MyModelDiffusion, the only model, so --model may be left out.</summary>
    public static ModelCatalog Catalog { get; } = new(
        ModelEntry.Diffusion(nameof(MyModelDiffusion), static () => new MyModelDiffusion()));
}
