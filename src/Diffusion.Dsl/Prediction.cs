namespace Diffusion.Dsl;

/// <summary>
/// What the denoising network outputs, given x_t and t (SCOPE section 4). All four are interchangeable given x_t and
/// t; the generated parameterization hub converts the output to the pair (eps, x0_hat) that the loss and every
/// sampler use, so nothing downstream depends on this choice.
/// </summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum Prediction
{
    /// <summary>
    /// The noise eps that produced x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 11), trained with
    /// L_simple = E || eps - eps_theta(x_t, t) ||^2 (Eq. 14).
    /// </summary>
    Noise = 0,

    /// <summary>
    /// The clean sample x_0 itself (the "mean" parameterization of Ho et al. 2020, Sec. 3.2); eps follows as
    /// (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t).
    /// </summary>
    CleanSample = 1,

    /// <summary>
    /// The velocity v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans and Ho 2022, Sec. 4 and Appendix D); then
    /// x0_hat = sqrt(abar_t) x_t - sqrt(1 - abar_t) v and eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v. Defined at every
    /// signal-to-noise ratio, including a zero terminal SNR.
    /// </summary>
    Velocity = 2,

    /// <summary>
    /// The score grad log q(x_t) = -eps / sqrt(1 - abar_t) (Tweedie's formula: E[x_0 | x_t] = (x_t + (1 - abar_t) score) /
    /// sqrt(abar_t)); moving against the noise is moving up the log-density (Song and Ermon 2019).
    /// </summary>
    Score = 3,
}
