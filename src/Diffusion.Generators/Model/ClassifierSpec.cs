namespace Diffusion.Generators.Model;

/// <summary>A [NoisyClassifier] declaration with the specs of the schedule and encoder it names.</summary>
internal sealed record ClassifierSpec(TypeName Type, ScheduleSpec Schedule, EncoderSpec Network);
