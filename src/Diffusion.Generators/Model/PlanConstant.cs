namespace Diffusion.Generators.Model;

/// <summary>A public constant of a generated network.</summary>
/// <param name="Type">"int" or "double".</param>
/// <param name="Name">Its name.</param>
/// <param name="Value">A C# expression over literals and earlier constants.</param>
/// <param name="Doc">What it is and where it comes from (one sentence).</param>
internal sealed record PlanConstant(string Type, string Name, string Value, string Doc);
