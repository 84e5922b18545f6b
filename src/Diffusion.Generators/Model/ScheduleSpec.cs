using Diffusion.Dsl;

namespace Diffusion.Generators.Model;

/// <summary>A [NoiseSchedule] declaration: the kind (Diffusion.Dsl.ScheduleKind value), T and whether abar_T is rescaled to 0.</summary>
/// <param name="Shadowed">Names of <see cref="ScheduleAliases"/> taken in the declaration's namespace or class, written
/// in full by the generated file (usually empty).</param>
internal sealed record ScheduleSpec(
    TypeName Type,
    ScheduleKind Kind,
    int Timesteps,
    bool ZeroTerminalSnr,
    EquatableArray<string> Shadowed = default);
