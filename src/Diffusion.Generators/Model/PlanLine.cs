namespace Diffusion.Generators.Model;

/// <summary>One statement of a generated forward pass and the shape it leaves.</summary>
/// <param name="Code">The statement.</param>
/// <param name="Shape">The shape of what it computes, such as "(N, T, D)".</param>
/// <param name="Note">What it is, with its paper and equation where it has one; may be empty.</param>
internal sealed record PlanLine(string Code, string Shape, string Note);
