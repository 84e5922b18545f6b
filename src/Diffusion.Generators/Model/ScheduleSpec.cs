namespace Diffusion.Generators.Model;

/// <summary>A [NoiseSchedule] declaration: the kind (Diffusion.Dsl.ScheduleKind value), T and whether abar_T is rescaled to 0.</summary>
internal sealed record ScheduleSpec(TypeName Type, ScheduleKindValue Kind, int Timesteps, bool ZeroTerminalSnr);

/// <summary>Mirror of Diffusion.Dsl.ScheduleKind (the generator cannot reference the net10.0 Dsl assembly).</summary>
internal enum ScheduleKindValue
{
    Linear = 0,
    Cosine = 1,
    ScaledLinear = 2,
}
