using System;

namespace Diffusion.Runtime.Distributed;

/// <summary>
/// The collective operations data-parallel training needs from the processes of one job (MPI's communicator, or one
/// process alone: <see cref="InProcessCollective"/>). Every rank calls every operation in the same order with buffers
/// of the same length; an operation returns once every rank has contributed.
/// </summary>
/// <remarks>
/// Kept to what the <see cref="Training.Trainer"/> uses, so that another engine (NCCL on GPUs, a TCP ring) can stand
/// behind it: see docs/scaling.md.
/// </remarks>
public interface ICollective : IDisposable
{
    /// <summary>This process's index, 0..<see cref="Size"/>-1; rank 0 writes the run's files.</summary>
    int Rank { get; }

    /// <summary>The number of processes in the job.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over the ranks.</summary>
    void AllReduceSum(float[] values);

    /// <summary>Replaces <paramref name="values"/> on every rank by rank <paramref name="root"/>'s.</summary>
    void Broadcast(float[] values, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort): a rank that fails must not leave the
    /// others waiting in a collective forever.
    /// </summary>
    void Abort(int exitCode);
}
