namespace Diffusion.Generators.Model;

/// <summary>A short name the generated file declares with <c>using Name = Target;</c>.</summary>
/// <param name="Name">The alias.</param>
/// <param name="Target">The <c>global::</c> name it stands for.</param>
internal sealed record TypeAlias(string Name, string Target);
