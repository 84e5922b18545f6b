namespace Diffusion.Generators.Model;

/// <summary>A [Cascade] declaration (Ho et al. 2021, Sec. 3): its stages, base first, checked to chain.</summary>
/// <param name="Type">The cascade class.</param>
/// <param name="Stages">The base model, then each super-resolution stage.</param>
/// <param name="Shadowed">Names of <see cref="CascadeAliases"/> taken in the declaration's namespace or class, written
/// in full by the generated file (sorted; usually empty).</param>
internal sealed record CascadeSpec(TypeName Type, EquatableArray<CascadeStage> Stages, EquatableArray<string> Shadowed = default);
