namespace Diffusion.Generators.Model;

/// <summary>A [NoisyClassifier] declaration with the specs of the schedule and encoder it names.</summary>
/// <param name="Shadowed">The <see cref="ClassifierAliases"/> (and the network and schedule names) the declaration
/// takes in its namespace or class, which the generated file writes in full.</param>
internal sealed record ClassifierSpec(TypeName Type, ScheduleSpec Schedule, EncoderSpec Network, EquatableArray<string> Shadowed);
