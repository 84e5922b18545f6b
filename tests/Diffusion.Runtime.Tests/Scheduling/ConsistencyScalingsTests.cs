using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Diffusion.Runtime.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// c_skip, c_out and c_in against Song et al. 2023 (Appendix C) and Karras et al. 2022 (Table 1), written out here,
/// and the boundary condition f(x, s_min) = x, exact for random x through both ways of building f.
/// </summary>
public class ConsistencyScalingsTests
{
    private static readonly double[] Levels = [0.002, 0.01, 0.3, 0.5, 1.7, 12.0, 80.0];

    [Theory]
    [InlineData(0.002, 0.5)]
    [InlineData(0.0064, 0.5)]
    [InlineData(0.0, 1.0)]
    public void ScalingsFollowTheirFormulas(double min, double sd)
    {
        var scalings = new ConsistencyScalings(min, sd);
        using var scope = NewDisposeScope();
        var levels = tensor(Levels, dtype: ScalarType.Float64);
        var (skip, output, input) = (scalings.CSkip(levels).data<double>().ToArray(), scalings.COut(levels).data<double>().ToArray(),
            scalings.CIn(levels).data<double>().ToArray());
        for (int i = 0; i < Levels.Length; i++)
        {
            double s = Levels[i];
            double expectedSkip = sd * sd / ((s - min) * (s - min) + sd * sd);
            double expectedOut = (s - min) * sd / Math.Sqrt(s * s + sd * sd);
            double expectedIn = 1 / Math.Sqrt(s * s + sd * sd);
            foreach (var (actual, expected, name) in new[]
            {
                (scalings.CSkip(s), expectedSkip, "c_skip"), (scalings.COut(s), expectedOut, "c_out"), (scalings.CIn(s), expectedIn, "c_in"),
                (skip[i], expectedSkip, "tensor c_skip"), (output[i], expectedOut, "tensor c_out"), (input[i], expectedIn, "tensor c_in"),
            })
                Assert.True(Math.Abs(actual - expected) <= 1e-15 * Math.Max(1, Math.Abs(expected)), $"{name}({s}) = {actual}, formula {expected}");
        }
    }

    /// <summary>EDM (Karras et al. 2022, Table 1): c_skip = sd^2 / (s^2 + sd^2), c_out = s sd / sqrt(s^2 + sd^2).</summary>
    [Fact]
    public void EdmIsTheZeroMinimum()
    {
        var edm = ConsistencyScalings.Edm(0.5);
        Assert.Equal(0.0, edm.SigmaMin);
        Assert.Equal(0.25 / (9 + 0.25), edm.CSkip(3), 15);
        Assert.Equal(3 * 0.5 / Math.Sqrt(9.25), edm.COut(3), 15);
    }

    /// <summary>f(x, s_min) = c_skip x + c_out F = x bit for bit, whatever F, per batch and per sample, float32 and float64.</summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void DenoiseIsTheIdentityAtTheMinimum(ScalarType dtype)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var scalings = new ConsistencyScalings(0.002, 0.5);
        var x = randn([6, 3, 4, 4], dtype: dtype, generator: generator) * 3;
        var output = randn([6, 3, 4, 4], dtype: dtype, generator: generator) * 50;
        Assert.True(DiffusersFixtures.BitEqual(ConsistencySampler.Denoise(x, output, 0.002, scalings, clipDenoised: false), x));
        var perSample = full([6], 0.002, dtype: dtype);
        Assert.True(DiffusersFixtures.BitEqual(ConsistencySampler.Denoise(x, output, perSample, scalings, clipDenoised: false), x));
        Assert.False(DiffusersFixtures.BitEqual(ConsistencySampler.Denoise(x, output, 0.0021, scalings, clipDenoised: false), x));
    }

    /// <summary>The VP route (a clean-sample estimate D turned into f) keeps the boundary condition for an arbitrary D.</summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void DenoiserConsistencyIsTheIdentityAtTheMinimum(ScalarType dtype)
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var scalings = new ConsistencyScalings(0.0064, 0.5);
        var x = randn([5, 2, 3], dtype: dtype, generator: generator) * 2;
        var d = randn([5, 2, 3], dtype: dtype, generator: generator) * 10;
        Assert.True(DiffusersFixtures.BitEqual(DenoiserConsistency.Apply(x, d, 0.0064, scalings), x));
        Assert.True(DiffusersFixtures.BitEqual(DenoiserConsistency.Apply(x, d, full([5], 0.0064, dtype: dtype), scalings), x));
    }

    /// <summary>
    /// DenoiserConsistency is c_skip x + c_out F with F the EDM raw output implied by D (Karras et al. 2022, Eq. 7),
    /// written here the long way; per-sample levels give the per-sample values.
    /// </summary>
    [Fact]
    public void DenoiserConsistencyUsesTheEdmRawOutput()
    {
        TestTorch.Init();
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var scalings = new ConsistencyScalings(0.002, 0.5);
        var edm = ConsistencyScalings.Edm(0.5);
        double[] levels = [0.01, 0.7, 40.0];
        var x = randn([3, 8], dtype: ScalarType.Float64, generator: generator) * 5;
        var d = randn([3, 8], dtype: ScalarType.Float64, generator: generator);
        var f = DenoiserConsistency.Apply(x, d, tensor(levels, dtype: ScalarType.Float64), scalings);
        for (int i = 0; i < 3; i++)
        {
            double s = levels[i];
            var raw = (d[i] - edm.CSkip(s) * x[i]) / edm.COut(s);
            var expected = scalings.CSkip(s) * x[i] + scalings.COut(s) * raw;
            Assert.True(f[i].allclose(expected, rtol: 1e-12, atol: 1e-12), $"level {s}");
        }
    }
}
