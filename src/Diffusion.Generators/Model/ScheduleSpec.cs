namespace Diffusion.Generators.Model;

/// <summary>A [NoiseSchedule] declaration: the kind (Diffusion.Dsl.ScheduleKind value) and T.</summary>
internal sealed record ScheduleSpec(TypeName Type, ScheduleKindValue Kind, int Timesteps);

/// <summary>Mirror of Diffusion.Dsl.ScheduleKind (the generator cannot reference the net10.0 Dsl assembly).</summary>
internal enum ScheduleKindValue
{
    Linear = 0,
    Cosine = 1,
}
