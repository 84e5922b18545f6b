using System;
using Diffusion.Runtime.Sampling;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Sampling;

/// <summary>
/// A shard's noise is its rows of the whole request's draw, and it leaves the generator where the whole draw does; shards
/// split a request into contiguous, covering, near-equal row ranges.
/// </summary>
public class SamplingNoiseTests
{
    [Fact]
    public void A_shard_draws_its_rows_of_the_whole_draw_and_leaves_the_generator_where_the_whole_draw_does()
    {
        long[] whole = [7, 2, 3, 3], part = [3, 2, 3, 3];
        using var single = new Generator(5);
        using var all = SamplingNoise.Draw(whole, null, single, CPU);
        using var next = SamplingNoise.Draw(whole, null, single, CPU);

        using var sharded = new Generator(5);
        using var mine = SamplingNoise.Draw(part, new SampleShard(4, 7), sharded, CPU);
        using var mineNext = SamplingNoise.Draw(part, new SampleShard(4, 7), sharded, CPU);

        Assert.True(mine.eq(all.narrow(0, 4, 3)).all().item<bool>());
        Assert.True(mineNext.eq(next.narrow(0, 4, 3)).all().item<bool>());
        Assert.False(mine.eq(all.narrow(0, 0, 3)).all().item<bool>());
    }

    [Fact]
    public void Unsharded_draws_are_randn_of_the_shape()
    {
        using var a = new Generator(9);
        using var b = new Generator(9);
        using var drawn = SamplingNoise.Draw([4, 1, 2, 2], null, a, CPU);
        using var plain = randn([4, 1, 2, 2], generator: b);
        Assert.True(drawn.eq(plain).all().item<bool>());
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 2)]
    [InlineData(250, 4)]
    public void Shards_are_contiguous_cover_the_request_and_differ_by_at_most_one_row(int total, int ranks)
    {
        int next = 0, smallest = int.MaxValue, largest = 0;
        for (int rank = 0; rank < ranks; rank++)
        {
            var (shard, count) = SampleShard.Of(total, rank, ranks);
            Assert.Equal(next, shard.Offset);
            Assert.Equal(total, shard.Total);
            next += count;
            (smallest, largest) = (Math.Min(smallest, count), Math.Max(largest, count));
        }
        Assert.Equal(total, next);
        Assert.True(largest - smallest <= 1);
    }

    [Fact]
    public void Rows_outside_the_request_are_refused()
    {
        using var generator = new Generator(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SamplingNoise.Draw([3, 1, 2, 2], new SampleShard(5, 7), generator, CPU));
        Assert.Contains("[5, 8)", error.Message);
    }
}
