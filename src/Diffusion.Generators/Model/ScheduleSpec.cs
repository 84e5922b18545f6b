using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>A [NoiseSchedule] declaration: the kind (Diffusion.Dsl.ScheduleKind value), T and whether abar_T is rescaled to 0.</summary>
internal sealed record ScheduleSpec(TypeName Type, ScheduleKind Kind, int Timesteps, bool ZeroTerminalSnr);
