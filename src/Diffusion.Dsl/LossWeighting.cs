namespace Diffusion.Dsl;

/// <summary>
/// The weight lambda(t) of the squared error in the simple objective, stated on the clean-sample error
/// || x_0 - x0_hat ||^2 (Kingma et al. 2021, "Variational Diffusion Models", Sec. 5; Hang et al. 2023, Sec. 3). The
/// generated loss divides it by the weight the prediction's own error carries (SNR for noise, 1 for the clean sample,
/// SNR + 1 for velocity, SNR (SNR + 1) for the score), so every weighting works with every prediction whose ratio stays
/// finite; the generator rejects the combinations whose ratio grows without bound as SNR -> 0.
/// </summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum LossWeighting
{
    /// <summary>lambda = SNR(t): the noise error || eps - eps_hat ||^2, L_simple of Ho et al. 2020 (Eq. 14).</summary>
    Noise = 0,

    /// <summary>lambda = 1: the clean-sample error || x_0 - x0_hat ||^2.</summary>
    CleanSample = 1,

    /// <summary>lambda = SNR(t) + 1: the velocity error || v - v_hat ||^2 (Salimans and Ho 2022, Sec. 4).</summary>
    Velocity = 2,

    /// <summary>lambda = max(SNR(t), 1), "truncated SNR" (Salimans and Ho 2022, Sec. 4).</summary>
    TruncatedSnr = 3,

    /// <summary>lambda = min(SNR(t), gamma), "min-SNR-gamma" (Hang et al. 2023, Eq. 8); gamma = MinSnrGamma, 5 by default.</summary>
    MinSnr = 4,
}
