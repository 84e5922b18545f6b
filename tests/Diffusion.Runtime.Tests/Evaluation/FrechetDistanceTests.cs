using System;
using Diffusion.Runtime.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Tests.Evaluation;

/// <summary>
/// The Frechet distance against closed forms in float64: for commuting (diagonal) covariances it is
/// ||mu_1 - mu_2||^2 + sum_i (sigma_1i - sigma_2i)^2; for 2x2 covariances whose product M = Sigma_1 Sigma_2 has positive
/// eigenvalues, Tr(M^(1/2)) = sqrt(Tr M + 2 sqrt(det M)), since (sqrt(l_1) + sqrt(l_2))^2 = l_1 + l_2 + 2 sqrt(l_1 l_2).
/// </summary>
public sealed class FrechetDistanceTests
{
    private static FeatureGaussian Gaussian(double[] mean, double[,] covariance) =>
        new(tensor(mean, ScalarType.Float64), tensor(covariance, ScalarType.Float64), Count: 2);

    [Fact]
    public void Diagonal_covariances_give_the_squared_mean_gap_plus_the_squared_standard_deviation_gaps()
    {
        using var first = Gaussian([1, 2, 3], new double[,] { { 4, 0, 0 }, { 0, 9, 0 }, { 0, 0, 1 } });
        using var second = Gaussian([0, 0, 0], new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        // ||(1, 2, 3)||^2 = 14; (2 - 1)^2 + (3 - 1)^2 + (1 - 1)^2 = 5.
        Assert.Equal(19.0, FrechetDistance.Between(first, second), 12);
        Assert.Equal(19.0, FrechetDistance.Between(second, first), 12);
    }

    [Fact]
    public void Covariances_that_do_not_commute_match_the_two_by_two_closed_form()
    {
        var sigma1 = new double[,] { { 2, 1 }, { 1, 2 } };
        var sigma2 = new double[,] { { 1, 0 }, { 0, 4 } };
        using var first = Gaussian([0.5, -1], sigma1);
        using var second = Gaussian([1.5, 1], sigma2);
        // M = Sigma_1 Sigma_2 = [[2, 4], [1, 8]]: Tr M = 10, det M = det Sigma_1 det Sigma_2 = 3 * 4 = 12.
        double crossTrace = Math.Sqrt(10 + 2 * Math.Sqrt(12));
        double expected = (1 * 1 + 2 * 2) + (4 + 5) - 2 * crossTrace;    // 5 + 9 - 2 * 4.1144 = 5.7712
        Assert.Equal(expected, FrechetDistance.Between(first, second), 12);
        Assert.Equal(expected, FrechetDistance.Between(second, first), 12);
    }

    [Fact]
    public void A_gaussian_is_at_distance_zero_from_itself_and_dimensions_must_agree()
    {
        using var first = Gaussian([3, 1], new double[,] { { 2, 1 }, { 1, 2 } });
        Assert.Equal(0.0, FrechetDistance.Between(first, first), 12);
        using var other = Gaussian([0, 0, 0], new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        Assert.Throws<ArgumentException>(() => FrechetDistance.Between(first, other));
    }

    [Fact]
    public void Fit_takes_the_sample_mean_and_the_unbiased_covariance()
    {
        // Centred rows (-2, 0), (0, 2), (2, -2): sum of outer products [[8, -4], [-4, 8]], divided by N - 1 = 2.
        using var features = tensor(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 0 } });
        using var fitted = FeatureGaussian.Fit(features);
        Assert.Equal(ScalarType.Float64, fitted.Covariance.dtype);
        Assert.Equal(new[] { 3.0, 2.0 }, fitted.Mean.data<double>().ToArray());
        Assert.Equal(new[] { 4.0, -2.0, -2.0, 4.0 }, fitted.Covariance.data<double>().ToArray());
        Assert.Equal(3, fitted.Count);
        using var single = ones(1, 2);
        Assert.Throws<ArgumentException>(() => FeatureGaussian.Fit(single));
    }

    [Fact]
    public void A_gaussian_fitted_inside_a_dispose_scope_outlives_it()
    {
        // evaluate fits the real images' Gaussian inside a scope and returns it: the record owns its tensors.
        FeatureGaussian fitted;
        using (NewDisposeScope())
        {
            var features = tensor(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 0 } });
            fitted = FeatureGaussian.Fit(features);
        }
        using (fitted)
        {
            Assert.Equal(new[] { 3.0, 2.0 }, fitted.Mean.data<double>().ToArray());
            Assert.Equal(0.0, FrechetDistance.Between(fitted, fitted), 12);
        }
    }
}
