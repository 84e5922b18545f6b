using System;
using System.Threading;

namespace Diffusion.Runtime.IO;

/// <summary>
/// Named points in the runtime's write paths where a crash test can stop the process: when the environment variable
/// <c>DIFFUSION_DSL_PAUSE_AT</c> names a point, the process prints <c>[pause] {point}</c> to standard error on reaching
/// it and waits there until it is killed. Unset (always, outside tests), a point costs one string comparison.
/// </summary>
public static class TestHooks
{
    /// <summary>The environment variable that names the point to pause at.</summary>
    public const string Variable = "DIFFUSION_DSL_PAUSE_AT";

    private static readonly string? PauseAt = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Waits forever if <see cref="Variable"/> names <paramref name="point"/>; returns at once otherwise.</summary>
    public static void Pause(string point)
    {
        if (PauseAt is null || !string.Equals(PauseAt, point, StringComparison.Ordinal)) return;
        Console.Error.WriteLine($"[pause] {point}");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
