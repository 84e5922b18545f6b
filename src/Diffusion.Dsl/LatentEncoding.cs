namespace Diffusion.Dsl;

/// <summary>
/// How a latent diffusion model (<see cref="LatentDiffusionAttribute"/>) turns a training image into its latent through
/// the frozen autoencoder's posterior q(z | x) = N(mu, diag(sigma^2)).
/// </summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum LatentEncoding
{
    /// <summary>
    /// z = mu + sigma eps, a fresh eps every training step: LDM's choice (Rombach et al. 2022, Appendix G: its
    /// <c>get_first_stage_encoding</c> samples the posterior), so the diffusion model sees the posterior's spread.
    /// </summary>
    Sample = 0,

    /// <summary>z = mu, the posterior's mean: the same latent for an image every step.</summary>
    Mean = 1,
}
