namespace Diffusion.Generators.Model;

/// <summary>An entry of ModelDescription.Network: its key and the C# expression of its value.</summary>
internal sealed record UNetDescriptionEntry(string Key, string Value);
