using System;
using System.Linq;
using System.Threading;
using Diffusion.Runtime.Distributed;

namespace Diffusion.Runtime.Tests.Distributed;

/// <summary>
/// A job of N ranks as N threads of this process, for testing what runs on top of <see cref="ICollective"/> without
/// MPI: a sum adds the ranks' buffers in rank order, a broadcast copies the root's.
/// </summary>
internal sealed class ThreadedCollective
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Barrier barrier;
    private readonly float[][] slots;

    private ThreadedCollective(int size)
    {
        barrier = new Barrier(size);
        slots = new float[size][];
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one rank each; rethrows the first failure.</summary>
    public static void Run(int size, Action<ICollective> body)
    {
        var job = new ThreadedCollective(size);
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            try { body(new Member(job, rank)); }
            catch (Exception e) { errors[rank] = e; }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new AggregateException(error);
    }

    private void Wait()
    {
        if (!barrier.SignalAndWait(Patience)) throw new TimeoutException("A rank did not reach the collective.");
    }

    private sealed class Member(ThreadedCollective job, int rank) : ICollective
    {
        public int Rank => rank;

        public int Size => job.slots.Length;

        public void AllReduceSum(float[] values)
        {
            job.slots[rank] = (float[])values.Clone();
            job.Wait();
            for (int i = 0; i < values.Length; i++)
            {
                float sum = 0;
                foreach (var slot in job.slots) sum += slot[i];
                values[i] = sum;
            }
            job.Wait();
        }

        public void Broadcast(float[] values, int root)
        {
            job.slots[rank] = (float[])values.Clone();
            job.Wait();
            job.slots[root].CopyTo(values, 0);
            job.Wait();
        }

        public void Barrier() => job.Wait();

        public void Abort(int exitCode) => throw new InvalidOperationException($"rank {rank} aborted with {exitCode}");

        public void Dispose() { }
    }
}
