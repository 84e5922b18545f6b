namespace Diffusion.Generators.Model;

/// <summary>A submodule or parameter of a generated network; its name is the reference state-dict key.</summary>
/// <param name="Name">The field name (the state-dict prefix).</param>
/// <param name="Type">The field's type, as an alias name of <see cref="DiTAliases"/>.</param>
/// <param name="Construction">The expression that builds it in the constructor.</param>
/// <param name="Parameters">Number of scalar parameters it holds.</param>
/// <param name="Doc">What it is (one sentence).</param>
internal sealed record PlanField(string Name, string Type, string Construction, long Parameters, string Doc);
