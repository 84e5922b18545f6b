namespace Diffusion.Generators.Model;

/// <summary>A numbered step of a generated initialisation; the emitter numbers the steps in order.</summary>
/// <param name="Comment">What the step does and why.</param>
/// <param name="Code">Its statements.</param>
internal sealed record PlanStep(string Comment, EquatableArray<string> Code);
