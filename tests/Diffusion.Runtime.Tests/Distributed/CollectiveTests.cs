using System;
using System.Collections.Generic;
using System.Linq;
using Diffusion.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Distributed;

/// <summary>
/// The collective seam: the one-process collective's sum and broadcast, and the bucketed tensor operations data
/// parallelism runs on it (checked on a job of threads against sums and means computed directly).
/// </summary>
public class CollectiveTests
{
    [Fact]
    public void One_process_sums_and_broadcasts_to_its_own_values()
    {
        var collective = InProcessCollective.Instance;
        Assert.Equal((0, 1), (collective.Rank, collective.Size));
        var values = new[] { 1.5f, -2f, float.MaxValue };
        collective.AllReduceSum(values);
        Assert.Equal(new[] { 1.5f, -2f, float.MaxValue }, values);
        collective.Broadcast(values, 0);
        Assert.Equal(new[] { 1.5f, -2f, float.MaxValue }, values);
        Assert.Throws<ArgumentOutOfRangeException>(() => collective.Broadcast(values, 1)); // there is no rank 1
    }

    [Fact]
    public void Buckets_hold_whole_tensors_up_to_the_byte_limit()
    {
        // 8 floats per bucket: [3, 5] fill one, 2 starts the next, 10 alone exceeds the limit and gets its own.
        Assert.Equal(3, new TensorBuckets(new long[] { 3, 5, 2, 10 }, bucketBytes: 32).Count);
        Assert.Equal(1, new TensorBuckets(new long[] { 3, 5, 2, 10 }, bucketBytes: 80).Count);
        Assert.Equal(4, new TensorBuckets(new long[] { 3, 5, 2, 10 }, bucketBytes: 4).Count);
    }

    [Fact]
    public void Bucketed_tensor_sum_and_broadcast_equal_the_direct_ones_on_every_rank()
    {
        const int ranks = 3;
        long[][] shapes = [[2, 3], [7], [4, 1, 2], [1]];
        Tensor Values(int rank, int i) => arange(shapes[i].Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Float32).reshape(shapes[i]) * (rank + 1) + i;

        var summed = new Tensor[ranks][];
        var broadcast = new Tensor[ranks][];
        ThreadedCollective.Run(ranks, collective =>
        {
            int r = collective.Rank;
            var buckets = new TensorBuckets(shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray(), bucketBytes: 40);
            summed[r] = shapes.Select((_, i) => Values(r, i).DetachFromDisposeScope()).ToArray();
            buckets.AllReduce(collective, summed[r]);
            broadcast[r] = shapes.Select((_, i) => Values(r, i).DetachFromDisposeScope()).ToArray();
            buckets.Broadcast(collective, broadcast[r], root: 1);
        });
        for (int i = 0; i < shapes.Length; i++)
        {
            var expected = Values(0, i) + Values(1, i) + Values(2, i); // small integers: exact in float32
            for (int r = 0; r < ranks; r++)
            {
                Assert.True(summed[r][i].equal(expected).all().item<bool>(), $"sum of tensor {i} on rank {r}");
                Assert.True(broadcast[r][i].equal(Values(1, i)).all().item<bool>(), $"broadcast of tensor {i} on rank {r}");
            }
        }
    }

    [Fact]
    public void Averaged_gradients_are_the_mean_of_the_ranks_gradients_on_every_rank()
    {
        const int ranks = 4;
        var averaged = new Tensor[ranks][];
        var own = new Tensor[ranks][];
        ThreadedCollective.Run(ranks, collective =>
        {
            int r = collective.Rank;
            using var generator = new Generator((ulong)(100 + r));
            var parameters = new List<Parameter>
            {
                new(zeros(5, 3)), new(zeros(11)), new(zeros(2, 2, 2)), new(zeros(1)),
            };
            for (int i = 0; i < parameters.Count; i++)
            {
                // Rank 2 has no gradient for parameter 1 (unused there): it counts as zero.
                if (r == 2 && i == 1) continue;
                parameters[i].grad = randn(parameters[i].shape, generator: generator).DetachFromDisposeScope();
            }
            own[r] = parameters.Select(p => p.grad is null ? zeros_like(p).DetachFromDisposeScope() : p.grad.clone().DetachFromDisposeScope()).ToArray();
            TensorBuckets.For(parameters, bucketBytes: 64).AverageGradients(collective, parameters);
            averaged[r] = parameters.Select(p => p.grad!.clone().DetachFromDisposeScope()).ToArray();
        });
        for (int i = 0; i < 4; i++)
        {
            var mean = stack(Enumerable.Range(0, ranks).Select(r => own[r][i]).ToArray()).mean(new long[] { 0 });
            for (int r = 0; r < ranks; r++)
            {
                Assert.True(allclose(averaged[r][i], mean, rtol: 1e-6, atol: 1e-7), $"gradient {i} on rank {r}");
                Assert.True(averaged[r][i].equal(averaged[0][i]).all().item<bool>(), $"gradient {i}: rank {r} differs from rank 0");
            }
        }
    }

    [Fact]
    public void Replicas_verify_equal_and_a_diverged_rank_fails_every_rank()
    {
        var hashes = new string[2];
        ThreadedCollective.Run(2, collective =>
        {
            var weights = new[] { ones(3, 2).DetachFromDisposeScope(), arange(5, dtype: ScalarType.Float32).DetachFromDisposeScope() };
            hashes[collective.Rank] = new TensorBuckets(new long[] { 6, 5 }).VerifyReplicas(collective, weights);
        });
        Assert.Equal(hashes[0], hashes[1]);

        var failures = new string?[3];
        ThreadedCollective.Run(3, collective =>
        {
            // Rank 2's last weight is one ulp away from the others'.
            float last = collective.Rank == 2 ? MathF.BitIncrement(4f) : 4f;
            var weights = new[] { tensor(new[] { 0f, 1f, 2f, 3f, last }).DetachFromDisposeScope() };
            try { new TensorBuckets(new long[] { 5 }).VerifyReplicas(collective, weights); }
            catch (InvalidOperationException e) { failures[collective.Rank] = e.Message; }
        });
        Assert.All(failures, message => Assert.Contains("1 of the 3 ranks hold parameters that differ from rank 0's", message));
        Assert.Contains("this one among them", failures[2]);
        Assert.DoesNotContain("this one among them", failures[1]);
    }
}
