using System;
using System.Linq;
using Diffusion.Runtime.Scheduling;
using Xunit;

namespace Diffusion.Runtime.Tests.Scheduling;

/// <summary>
/// The Karras levels against Song et al. 2023's formula s_i = (s_min^(1/rho) + (i - 1) / (N - 1)
/// (s_max^(1/rho) - s_min^(1/rho)))^rho, evaluated here from the s_min end (the implementation counts from s_max).
/// </summary>
public class KarrasSigmasTests
{
    [Theory]
    [InlineData(0.002, 80.0, 7.0, 18)]
    [InlineData(0.002, 80.0, 7.0, 40)]
    [InlineData(0.01, 5.0, 3.0, 7)]
    [InlineData(0.0064, 157.0, 7.0, 2)]
    public void LevelsFollowTheFormulaWithExactEndpoints(double min, double max, double rho, int n)
    {
        var karras = new KarrasSigmas(min, max, rho);
        var ascending = karras.Ascending(n);
        Assert.Equal(n, ascending.Length);
        for (int i = 1; i <= n; i++)
        {
            double expected = Math.Pow(Math.Pow(min, 1 / rho) + (i - 1) / (double)(n - 1) * (Math.Pow(max, 1 / rho) - Math.Pow(min, 1 / rho)), rho);
            Assert.True(Math.Abs(ascending[i - 1] - expected) <= 1e-13 * expected, $"s_{i} = {ascending[i - 1]}, formula {expected}");
        }
        Assert.Equal(min, ascending[0]);
        Assert.Equal(max, ascending[^1]);
        Assert.Equal(ascending.Reverse(), karras.Descending(n));
    }

    /// <summary>One level is s_max: diffusers' linspace(0, 1, 1) = [0], the one-step sampler's only level.</summary>
    [Fact]
    public void OneLevelIsTheMaximum() => Assert.Equal(new[] { 80.0 }, new KarrasSigmas().Descending(1));

    /// <summary>FromMaximum's ramp counts from s_max: the paper's s_i is FromMaximum((N - i) / (N - 1)).</summary>
    [Fact]
    public void RampCountsFromTheMaximum()
    {
        var karras = new KarrasSigmas();
        var ascending = karras.Ascending(11);
        for (int i = 0; i < 11; i++)
            Assert.Equal(ascending[i], karras.FromMaximum((10 - i) / 10.0), 12);
    }

    [Theory]
    [InlineData(0.0, 80.0, 7.0)]
    [InlineData(1.0, 0.5, 7.0)]
    [InlineData(0.002, 80.0, 0.0)]
    public void BadRangesAreRefused(double min, double max, double rho) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new KarrasSigmas(min, max, rho).Ascending(5));
}
