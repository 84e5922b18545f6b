using System;

namespace Diffusion.Runtime.Likelihood;

/// <summary>How <see cref="VariationalBound.Evaluate"/> estimates the negative ELBO.</summary>
/// <param name="BatchSize">Images per network call.</param>
/// <param name="TimestepsPerImage">
/// Null sums every L_t exactly over t = 1..T-1 (T network calls per image); K draws K timesteps per image uniformly from
/// 1..T-1 and estimates the sum as (T - 1) times their mean, which is unbiased. L_T and L_0 are always computed exactly.
/// </param>
/// <param name="Seed">Seeds the noise and the drawn timesteps, so a report can be reproduced.</param>
/// <param name="Conditional">
/// For a class-conditional model: true evaluates -log p(x_0 | y) with the data's labels, false -log p(x_0) with the
/// null label (what the model learned through classifier-free label dropout).
/// </param>
public sealed record VariationalBoundOptions(int BatchSize = 64, int? TimestepsPerImage = null, long Seed = 0, bool Conditional = false)
{
    /// <summary>Throws with the option's name when a value cannot work.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"batch size = {BatchSize}; use at least 1.");
        if (TimestepsPerImage is < 1)
            throw new ArgumentOutOfRangeException(nameof(TimestepsPerImage), $"timesteps per image = {TimestepsPerImage}; use at least 1, or null for all T.");
    }
}
