namespace Diffusion.Dsl;

/// <summary>
/// What a sampler does to the predicted clean sample x0_hat before using it (SCOPE section 5). Data lives in [-1, 1],
/// but early in sampling x0_hat = (x_t - sqrt(1 - abar_t) eps_theta) / sqrt(abar_t) divides the network's error by a
/// tiny sqrt(abar_t) (about 5e-5 at the last step of the cosine schedule), so an unthresholded x0_hat can land far
/// outside the data's range.
/// </summary>
public enum Thresholding
{
    /// <summary>Use x0_hat as predicted (what the analytic tests use).</summary>
    None = 0,

    /// <summary>Static thresholding: clip x0_hat to [-1, 1] (improved-diffusion's clip_denoised, diffusers' clip_sample).</summary>
    Static = 1,

    /// <summary>
    /// Dynamic thresholding (Saharia et al. 2022, "Imagen", Sec. 2.3): s = the p-th percentile of |x0_hat| per sample,
    /// s = max(s, 1), x0_hat = clip(x0_hat, -s, s) / s.
    /// </summary>
    Dynamic = 2,
}
