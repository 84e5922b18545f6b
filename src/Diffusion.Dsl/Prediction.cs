namespace Diffusion.Dsl;

/// <summary>What the denoising network outputs, given x_t and t (SCOPE section 4).</summary>
public enum Prediction
{
    /// <summary>
    /// The noise eps that produced x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 11), trained with
    /// L_simple = E || eps - eps_theta(x_t, t) ||^2 (Eq. 14).
    /// </summary>
    Noise = 0,
}
