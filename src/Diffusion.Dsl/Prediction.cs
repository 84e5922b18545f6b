namespace Diffusion.Dsl;

/// <summary>
/// What the denoising network outputs, given x_t and t. All five are interchangeable given x_t and t; the generated
/// parameterization hub converts the output to the pair (eps, x0_hat) that the loss and every sampler use, so nothing
/// downstream depends on this choice.
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

    /// <summary>
    /// The mean of the one-step posterior q(x_{t-1} | x_t, x_0) (Ho et al. 2020, Eq. 6-7; improved-diffusion's "previous
    /// x", <c>ModelMeanType.PREVIOUS_X</c>): mu~_t(x_t, x_0) = coef1_t x_0 + coef2_t x_t with
    /// coef1_t = beta_t sqrt(abar_{t-1}) / (1 - abar_t) and coef2_t = sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t), so
    /// x0_hat = (mu_theta - coef2_t x_t) / coef1_t and eps follows from x0_hat. It is always the mean of x_{t-1} of the
    /// training chain, whatever a sampler's stride (the samplers convert it to x0_hat first). At t = 0, abar_{-1} = 1
    /// gives coef1 = 1 and coef2 = 0: the mean is x0_hat itself. Its squared error weighs the clean-sample error by
    /// coef1_t^2, which shrinks with beta_t: the network must output nearly x_t and get the small rest right. Ho et al.
    /// 2020 (Sec. 4.2, Table 2) found it trains well only on the true variational bound, not on its unweighted squared
    /// error.
    /// </summary>
    Mean = 4,
}
