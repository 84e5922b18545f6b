using System.Linq;

namespace Diffusion.Runtime.Contrastive;

/// <summary>Zero-shot classification's counts, per class.</summary>
/// <param name="Correct">Per class, its images given their own class.</param>
/// <param name="Total">Per class, its images.</param>
public sealed record ZeroShotAccuracy(long[] Correct, long[] Total)
{
    /// <summary>The top-1 share over all images (0 without images).</summary>
    public double TopOne => Total.Sum() == 0 ? 0 : (double)Correct.Sum() / Total.Sum();
}
