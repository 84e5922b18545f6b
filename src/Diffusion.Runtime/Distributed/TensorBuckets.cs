using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Distributed;

/// <summary>
/// A fixed split of a list of float32 tensors (a network's parameters or their gradients) into buckets of a few MiB,
/// each flattened into one buffer for one collective call: a network's hundreds of small tensors would otherwise pay
/// a collective's latency hundreds of times (PyTorch's DistributedDataParallel buckets its gradients for the same
/// reason, 25 MiB by default). The buffers are allocated once and reused every step.
/// </summary>
public sealed class TensorBuckets
{
    /// <summary>4 MiB: large enough that a bucket's transfer time dwarfs a collective's latency on a cluster network.</summary>
    public const long DefaultBucketBytes = 4L << 20;

    private readonly long[] elements;
    private readonly (int First, int Count, float[] Buffer)[] buckets;

    /// <summary>
    /// Buckets for tensors of <paramref name="elementCounts"/> elements, in order, each bucket at most
    /// <paramref name="bucketBytes"/> of float32 unless one tensor alone is larger (it then has a bucket of its own).
    /// </summary>
    public TensorBuckets(IReadOnlyList<long> elementCounts, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(elementCounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, sizeof(float));
        elements = elementCounts.ToArray();
        long capacity = bucketBytes / sizeof(float);
        var plan = new List<(int, int, float[])>();
        int first = 0;
        long filled = 0;
        for (int i = 0; i < elements.Length; i++)
        {
            if (i > first && filled + elements[i] > capacity)
            {
                plan.Add((first, i - first, new float[filled]));
                first = i;
                filled = 0;
            }
            filled += elements[i];
        }
        if (elements.Length > first) plan.Add((first, elements.Length - first, new float[filled]));
        buckets = plan.ToArray();
    }

    /// <summary>Buckets for the trainable parameters of <paramref name="parameters"/>.</summary>
    public static TensorBuckets For(IEnumerable<Parameter> parameters, long bucketBytes = DefaultBucketBytes) =>
        new(parameters.Select(p => p.numel()).ToArray(), bucketBytes);

    /// <summary>Number of buckets (collective calls per operation).</summary>
    public int Count => buckets.Length;

    /// <summary>
    /// Replaces every tensor, on every rank, by its element-wise sum over the ranks divided by
    /// <paramref name="divisor"/> (1 for the plain sum, the rank count for the mean), in place.
    /// </summary>
    public void AllReduce(ICollective collective, IReadOnlyList<Tensor> tensors, int divisor = 1)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);
        Check(tensors);
        using var n = divisor.ToScalar();
        foreach (var (first, count, buffer) in buckets)
        {
            Gather(tensors, first, count, buffer);
            collective.AllReduceSum(buffer);
            // float32 division by the rank count, as torch's grad.div_(N) after an all-reduce (exact when N is a power of 2).
            Scatter(buffer, tensors, first, count, divisor > 1 ? n : null);
        }
    }

    /// <summary>Replaces every tensor, on every rank, by rank <paramref name="root"/>'s, in place.</summary>
    public void Broadcast(ICollective collective, IReadOnlyList<Tensor> tensors, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(collective);
        Check(tensors);
        foreach (var (first, count, buffer) in buckets)
        {
            Gather(tensors, first, count, buffer);
            collective.Broadcast(buffer, root);
            Scatter(buffer, tensors, first, count, divisor: null);
        }
    }

    /// <summary>
    /// Averages the gradients of <paramref name="parameters"/> (those the buckets were made for) over the ranks: the
    /// sum of every rank's gradient divided by the rank count. A parameter without a gradient counts as a zero one
    /// (and gets the average), so that every rank reduces the same buffers.
    /// </summary>
    public void AverageGradients(ICollective collective, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var gradients = new Tensor[parameters.Count];
        for (int i = 0; i < gradients.Length; i++)
        {
            var p = parameters[i];
            if (p.grad is null)
            {
                using var noGrad = no_grad();
                p.grad = zeros_like(p).DetachFromDisposeScope();
            }
            gradients[i] = p.grad!;
        }
        AllReduce(collective, gradients, collective.Size);
    }

    /// <summary>
    /// Checks that every rank holds bit-identical <paramref name="tensors"/> (data-parallel replicas after the same
    /// steps): each rank compares its SHA-256 of their bytes with rank 0's, and all learn how many differ. Throws on
    /// every rank when one does; returns the hash (hexadecimal) otherwise.
    /// </summary>
    public string VerifyReplicas(ICollective collective, IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(collective);
        Check(tensors);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (first, count, buffer) in buckets)
        {
            Gather(tensors, first, count, buffer);
            hash.AppendData(MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
        byte[] own = hash.GetHashAndReset();
        var rootHash = MemoryMarshal.Cast<byte, float>(own).ToArray();    // 8 floats: only their bits travel
        collective.Broadcast(rootHash, 0);
        bool same = MemoryMarshal.AsBytes(rootHash.AsSpan()).SequenceEqual(own);
        var differing = new[] { same ? 0f : 1f };
        collective.AllReduceSum(differing);
        if (differing[0] != 0)
        {
            throw new InvalidOperationException($"The data-parallel replicas diverged: {differing[0]} of the {collective.Size} ranks hold "
                + $"parameters that differ from rank 0's{(same ? "" : ", this one among them")}.");
        }
        return Convert.ToHexString(own);
    }

    private void Check(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count != elements.Length)
            throw new ArgumentException($"{tensors.Count} tensors; the buckets were made for {elements.Length}.", nameof(tensors));
        for (int i = 0; i < elements.Length; i++)
        {
            if (tensors[i].numel() != elements[i] || tensors[i].dtype != ScalarType.Float32)
                throw new ArgumentException($"Tensor {i} is {tensors[i].dtype} of {tensors[i].numel()} elements; the buckets hold float32 of {elements[i]}.", nameof(tensors));
        }
    }

    // The bucket's tensors, flattened in order into buffer (through the CPU: MPI reads host memory).
    private static void Gather(IReadOnlyList<Tensor> tensors, int first, int count, float[] buffer)
    {
        using var scope = NewDisposeScope();
        var flat = cat(Enumerable.Range(first, count).Select(i => tensors[i].detach().reshape(-1)).ToArray()).cpu(); // (E)
        // One copy of the contiguous result: TensorAccessor's element-wise CopyTo cost more than the transfer.
        MemoryMarshal.Cast<byte, float>(flat.bytes).CopyTo(buffer);
    }

    // buffer, divided by divisor where given, copied back into the bucket's tensors, each on its own device.
    private static void Scatter(float[] buffer, IReadOnlyList<Tensor> tensors, int first, int count, Scalar? divisor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = tensor(buffer); // (E), CPU
        if (divisor is not null) flat.div_(divisor); // vectorized: a C# loop over the buffer cost as much as the transfer
        long offset = 0;
        for (int i = first; i < first + count; i++)
        {
            var target = tensors[i];
            long n = target.numel();
            target.copy_(flat.narrow(0, offset, n).view(target.shape));
            offset += n;
        }
    }
}
