using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// The deterministic fixtures of diffusers' <c>tests/schedulers/test_schedulers.py</c> (<c>SchedulerCommonTest</c>),
/// rebuilt with the same tensor operations so its published full-loop values apply unchanged.
/// </summary>
internal static class DiffusersFixtures
{
    private const int Batch = 4, Channels = 3, Height = 8, Width = 8;
    private const int Elements = Batch * Channels * Height * Width;

    /// <summary>
    /// <c>dummy_sample_deter</c>: arange(768) reshaped (C, H, W, N), divided by 768, permuted to (N, C, H, W).
    /// </summary>
    public static Tensor SampleDeter() => Deter(arange(Elements, dtype: ScalarType.Float32));

    /// <summary><c>dummy_noise_deter</c>: the same with arange flipped.</summary>
    public static Tensor NoiseDeter() => Deter(arange(Elements, dtype: ScalarType.Float32).flip(-1));

    /// <summary>
    /// <c>dummy_model</c>: sample * t / (t + 1), with t a float32 value of the timestep (diffusers casts a tensor t to the
    /// sample's dtype; a Python int t enters the float32 product as the same exact value).
    /// </summary>
    public static Tensor Model(Tensor sample, long t)
    {
        using var scope = NewDisposeScope();
        var tf = tensor((float)t);
        var next = tensor((float)(t + 1));
        return (sample * tf / next).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>dummy_model</c> at a fractional timestep (the consistency scheduler's 250 log s): diffusers casts the float64
    /// t to the sample's dtype first, so t and t + 1 are float32.
    /// </summary>
    public static Tensor Model(Tensor sample, double t)
    {
        using var scope = NewDisposeScope();
        using var one = 1.0.ToScalar();
        var tf = tensor((float)t);
        return (sample * tf / (tf + one)).MoveToOuterDisposeScope();
    }

    /// <summary>sum(|x|) and mean(|x|), the two numbers every diffusers full-loop test asserts.</summary>
    public static (double Sum, double Mean) SumAndMean(Tensor x)
    {
        using var scope = NewDisposeScope();
        var magnitude = x.abs();
        return (magnitude.sum().item<float>(), magnitude.mean().item<float>());
    }

    /// <summary>
    /// diffusers' closing assertions of its full-loop tests: sum and mean of |x| within 1e-2 and 1e-3 of its published
    /// values.
    /// </summary>
    public static void AssertSumAndMean(Tensor x, double expectedSum, double expectedMean)
    {
        var (sum, mean) = SumAndMean(x);
        Assert.True(Math.Abs(sum - expectedSum) < 1e-2, $"sum {sum}, diffusers {expectedSum}");
        Assert.True(Math.Abs(mean - expectedMean) < 1e-3, $"mean {mean}, diffusers {expectedMean}");
    }

    /// <summary>Same shape and the same bits everywhere.</summary>
    public static bool BitEqual(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor Deter(Tensor counts)
    {
        using var scope = NewDisposeScope();
        using var n = tensor((float)Elements);
        return (counts.reshape(Channels, Height, Width, Batch) / n).permute(3, 0, 1, 2).MoveToOuterDisposeScope();
    }
}
