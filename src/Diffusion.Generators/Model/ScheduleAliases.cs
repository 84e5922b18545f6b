using System.Collections.Generic;

namespace Diffusion.Generators.Model;

/// <summary>
/// The short names of a generated schedule file, declared inside the user's namespace as a model's
/// (<see cref="ModelAliases"/>); a name taken there or by a member of the class is written in full
/// (<see cref="ScheduleSpec.Shadowed"/>).
/// </summary>
internal static class ScheduleAliases
{
    public static readonly IReadOnlyList<TypeAlias> All = new[]
    {
        new TypeAlias("NoiseSchedule", "global::Diffusion.Runtime.Schedules.NoiseSchedule"),
    };
}
