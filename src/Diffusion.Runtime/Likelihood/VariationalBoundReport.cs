namespace Diffusion.Runtime.Likelihood;

/// <summary>
/// The negative ELBO of a data set in bits per dimension and its parts (SCOPE section 3):
/// <see cref="BitsPerDimension"/> = <see cref="Prior"/> (L_T) + <see cref="Transitions"/> (sum of the L_{t-1}, t = 2..T)
/// + <see cref="Decoder"/> (L_0), each a mean over the images.
/// </summary>
/// <param name="Images">Number of images evaluated.</param>
/// <param name="Dimensions">Dimensions per image D (C x H x W).</param>
/// <param name="TimestepsPerImage">Network calls per image for the transitions: T - 1 when exact, else K.</param>
/// <param name="Exact">Whether every L_t was computed (true) or the sum was estimated from K draws (false).</param>
/// <param name="BitsPerDimension">The mean negative ELBO, in bits per dimension; an upper bound on -log2 p(x_0) / D.</param>
/// <param name="StandardError">Its standard error over the images (and, when estimated, over the drawn timesteps).</param>
/// <param name="Prior">L_T, which no parameter changes.</param>
/// <param name="Transitions">The sum of the Gaussian KL terms L_1..L_{T-1}.</param>
/// <param name="Decoder">L_0 = -log p(x_0 | x_1) under the discretized Gaussian decoder.</param>
public sealed record VariationalBoundReport(
    int Images,
    int Dimensions,
    int TimestepsPerImage,
    bool Exact,
    double BitsPerDimension,
    double StandardError,
    double Prior,
    double Transitions,
    double Decoder);
