using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// The Gaussian N(mu, Sigma) fitted to a set of feature vectors, in float64 on the CPU: the sample mean and the
/// unbiased sample covariance (divided by N - 1, as numpy.cov and pytorch-fid do). Owns both tensors.
/// </summary>
/// <param name="Mean">mu (D).</param>
/// <param name="Covariance">Sigma (D, D), symmetric positive semi-definite.</param>
/// <param name="Count">N, the number of feature vectors it was fitted to.</param>
public sealed record FeatureGaussian(Tensor Mean, Tensor Covariance, long Count) : IDisposable
{
    /// <summary>Fits the Gaussian to <paramref name="features"/> (N, D) with N &gt;= 2.</summary>
    public static FeatureGaussian Fit(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2) throw new ArgumentException($"Expected features of shape (N, D), got ({string.Join(", ", features.shape)}).", nameof(features));
        long n = features.shape[0];
        if (n < 2) throw new ArgumentException($"A covariance needs at least 2 feature vectors, got {n}.", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to(ScalarType.Float64).cpu();
        var mean = x.mean([0]);                                        // mu (D)
        var centred = x - mean;                                        // (N, D)
        var covariance = centred.t().matmul(centred) / (double)(n - 1);    // Sigma (D, D)
        // Detached, not moved to the caller's scope: the record owns its tensors (Dispose), so one fitted inside a
        // caller's dispose scope and returned from it stays alive.
        return new FeatureGaussian(mean.DetachFromDisposeScope(), covariance.DetachFromDisposeScope(), n);
    }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
