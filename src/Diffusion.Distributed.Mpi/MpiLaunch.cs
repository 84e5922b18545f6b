using System;

namespace Diffusion.Distributed.Mpi;

/// <summary>
/// Whether this process was started by an MPI launcher: MPICH's Hydra (<c>mpiexec</c>) and Slurm's <c>srun
/// --mpi=pmi2</c> give every process its rank and the job's size through the PMI variables <c>PMI_RANK</c> and
/// <c>PMI_SIZE</c>. Reading them touches no MPI library, so a single process needs none installed.
/// </summary>
public static class MpiLaunch
{
    /// <summary>The variable holding this process's rank.</summary>
    public const string RankVariable = "PMI_RANK";

    /// <summary>The variable holding the job's number of processes.</summary>
    public const string SizeVariable = "PMI_SIZE";

    /// <summary>True when both PMI variables are set (the process is one rank of an MPI job).</summary>
    public static bool IsLaunched =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RankVariable))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SizeVariable));
}
