using System;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Evaluation;

/// <summary>
/// The Frechet distance between two Gaussians fitted to features of real and generated images (Heusel et al. 2017,
/// "GANs Trained by a Two Time-Scale Update Rule", Eq. 6; the closed form of Dowson and Landau 1982):
/// <code>
/// d^2 = ||mu_1 - mu_2||^2 + Tr(Sigma_1 + Sigma_2 - 2 (Sigma_1 Sigma_2)^(1/2))
/// </code>
/// With Inception features it is the FID; with any evaluator's penultimate features it works for any dataset. Computed
/// in float64. Tr((Sigma_1 Sigma_2)^(1/2)) is the sum of the square roots of the eigenvalues of the symmetric
/// S = Sigma_1^(1/2) Sigma_2 Sigma_1^(1/2), which is similar to Sigma_1 Sigma_2 and so has the same eigenvalues; a
/// symmetric eigendecomposition needs no general matrix square root (pytorch-fid's scipy.linalg.sqrtm and its
/// complex round-off).
/// </summary>
public static class FrechetDistance
{
    /// <summary>d^2 between N(mu_1, Sigma_1) and N(mu_2, Sigma_2) of the same dimension D.</summary>
    public static double Between(FeatureGaussian first, FeatureGaussian second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Mean.shape[0] != second.Mean.shape[0])
            throw new ArgumentException($"The Gaussians have {first.Mean.shape[0]} and {second.Mean.shape[0]} dimensions.", nameof(second));
        using var scope = NewDisposeScope();
        var sigma1 = first.Covariance.to(ScalarType.Float64);
        var sigma2 = second.Covariance.to(ScalarType.Float64);
        var meanTerm = (first.Mean.to(ScalarType.Float64) - second.Mean.to(ScalarType.Float64)).square().sum();    // ||mu_1 - mu_2||^2
        var root1 = SymmetricSquareRoot(sigma1);                                        // Sigma_1^(1/2)
        var similar = root1.matmul(sigma2).matmul(root1);                               // S, same eigenvalues as Sigma_1 Sigma_2
        var crossTrace = linalg.eigvalsh(Symmetrized(similar)).clamp_min(0).sqrt().sum();    // Tr((Sigma_1 Sigma_2)^(1/2))
        var distance = meanTerm + sigma1.trace() + sigma2.trace() - 2 * crossTrace;
        return distance.item<double>();
    }

    /// <summary>A^(1/2) of a symmetric positive semi-definite A: U diag(sqrt(max(lambda, 0))) U^T.</summary>
    private static Tensor SymmetricSquareRoot(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh(Symmetrized(matrix));
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
    }

    /// <summary>(A + A^T) / 2: removes the round-off asymmetry of products that are symmetric in exact arithmetic.</summary>
    private static Tensor Symmetrized(Tensor matrix) => (matrix + matrix.t()) / 2.0;
}
