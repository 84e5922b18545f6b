using System;
using System.IO;
using Xunit;

namespace Diffusion.Runtime.Tests.Host;

/// <summary>
/// A test that launches an MPI job with MPICH's <c>mpiexec.mpich</c>: skipped, saying why, where MPICH is not installed
/// (.ci/run installs it).
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    /// <summary>MPICH's launcher, found on PATH, or null.</summary>
    public static string? Launcher { get; } = Find("mpiexec.mpich");

    /// <summary>Skips the test when <see cref="Launcher"/> is missing.</summary>
    public MpiFactAttribute()
    {
        if (Launcher is null) Skip = "mpiexec.mpich is not on PATH: install MPICH (apt-get install mpich libmpich-dev) to run the MPI tests.";
    }

    private static string? Find(string name)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
