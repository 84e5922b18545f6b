using System;
using System.IO;
using System.Linq;
using System.Threading;
using Diffusion.Distributed.Mpi;
using Diffusion.Runtime.Distributed;

namespace Diffusion.Cli.Training;

/// <summary>
/// The collective of this process's job: MPI's when an MPI launcher started the process (<see cref="MpiLaunch"/>),
/// else the one-process <see cref="InProcessCollective"/>, so that a single process never loads an MPI library.
/// Public so that a host's own commands (<see cref="HostOptions.Commands"/>) run under a launcher as train does.
/// </summary>
public static class JobCollective
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(1);

    /// <summary>Starts the job's collective; on ranks other than 0 the standard output goes nowhere (rank 0 reports).</summary>
    public static ICollective Start(string tag)
    {
        if (!MpiLaunch.IsLaunched) return InProcessCollective.Instance;
        MpiCollective collective;
        try
        {
            collective = MpiCollective.Start();
        }
        catch (InvalidOperationException e)
        {
            throw new CommandLineException(e.Message);
        }
        var processIds = ProcessIds(collective);
        if (collective.Rank == 0)
        {
            Console.WriteLine($"{tag} rank 0 of {collective.Size} MPI processes: data-parallel over all of them");
            // The launcher names a rank that dies by its process id ("BAD TERMINATION ... PID 1234"): this line maps it.
            Console.WriteLine($"{tag} process ids: {string.Join(", ", processIds.Select((id, rank) => $"rank {rank} = pid {id}"))}");
        }
        else Console.SetOut(TextWriter.Null);
        return collective;
    }

    // Rank r's process id in slot r, summed over the ranks, so that every rank holds all of them. Linux process ids are
    // at most 2^22 (pid_max), exact in float32.
    private static long[] ProcessIds(ICollective collective)
    {
        var ids = new float[collective.Size];
        ids[collective.Rank] = Environment.ProcessId;
        collective.AllReduceSum(ids);
        return ids.Select(id => (long)id).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="body"/>; with more than one rank, an error on any rank prints its message naming the rank and
    /// ends the whole job (MPI_Abort), since the other ranks would otherwise wait for it in a collective forever.
    /// </summary>
    public static int Run(ICollective collective, Func<int> body)
    {
        if (collective.Size == 1) return body();
        try
        {
            return body();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: rank {collective.Rank} of {collective.Size}: {CommandAction.UserMessage(e)}");
            // The launcher tears down every rank's output forwarding on an abort: without a moment to forward it first,
            // the message can be lost (seen with mpiexec.mpich when both ranks refused at once).
            Thread.Sleep(AbortGrace);
            collective.Abort(1);
            return 1;
        }
    }
}
