using System;

namespace Diffusion.Runtime.Distributed;

/// <summary>
/// The collective of a job of one process, the default: a sum over one rank is the rank's own values and a broadcast
/// from rank 0 leaves them as they are, so nothing is copied and no MPI is needed.
/// </summary>
public sealed class InProcessCollective : ICollective
{
    /// <summary>The one process's collective.</summary>
    public static InProcessCollective Instance { get; } = new();

    private InProcessCollective() { }

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void AllReduceSum(float[] values) => ArgumentNullException.ThrowIfNull(values);

    /// <inheritdoc/>
    public void Broadcast(float[] values, int root)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);
    }

    /// <inheritdoc/>
    public void Barrier() { }

    /// <inheritdoc/>
    public void Abort(int exitCode) => Environment.Exit(exitCode);

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
