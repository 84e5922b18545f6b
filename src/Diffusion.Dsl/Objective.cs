namespace Diffusion.Dsl;

/// <summary>What training minimises (SCOPE sections 3-4).</summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum Objective
{
    /// <summary>
    /// L_simple: the mean squared error of the prediction (Ho et al. 2020, Eq. 14), weighted as
    /// <see cref="LossWeighting"/> says. Trains the mean only, so the variance must be fixed.
    /// </summary>
    Simple = 0,

    /// <summary>
    /// L_hybrid = L_simple + lambda L_vlb with lambda = 0.001 and the mean's gradient stopped inside L_vlb, so L_vlb
    /// trains only the learned variance (Nichol and Dhariwal 2021, Sec. 3.1). Needs <see cref="ReverseVariance.Learned"/>.
    /// </summary>
    Hybrid = 1,

    /// <summary>
    /// The variational bound itself, L_vlb = sum_t L_t estimated as T E_t[L_t] in bits per dimension (Ho et al. 2020,
    /// Eq. 5; Nichol and Dhariwal 2021, Eq. 4-6): trains the mean and, when learned, the variance.
    /// </summary>
    VariationalBound = 2,
}
