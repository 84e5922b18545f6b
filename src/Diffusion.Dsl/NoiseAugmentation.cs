namespace Diffusion.Dsl;

/// <summary>
/// How a super-resolution stage (<see cref="SuperResolutionAttribute"/>) corrupts its low-resolution conditioning image
/// during training: noise conditioning augmentation (Ho et al. 2021, "Cascaded Diffusion Models", Sec. 4.1 and 4.2).
/// </summary>
#if DIFFUSION_GENERATORS // compiled into the generator too, which reads declarations with this enum
internal
#else
public
#endif
enum NoiseAugmentation
{
    /// <summary>
    /// No augmentation: the network sees the exact low-resolution image (the comparison Ho et al. 2021, Table 4, make).
    /// </summary>
    None = 0,

    /// <summary>
    /// Gaussian augmentation (Ho et al. 2021, Sec. 4.1): the low-resolution image z_0 becomes a draw of the stage's own
    /// forward process q(z_s | z_0) = N(sqrt(abar_s) z_0, (1 - abar_s) I) (Ho et al. 2020, Eq. 4) at a level s drawn
    /// uniformly per image, and s reaches the network as a second timestep. The paper's choice at low resolutions.
    /// </summary>
    Gaussian = 1,

    /// <summary>
    /// Gaussian blur (Ho et al. 2021, Sec. 4.2): the low-resolution image is blurred with a Gaussian kernel whose standard
    /// deviation, in low-resolution pixels, is drawn uniformly per image. The paper's choice at high resolutions.
    /// </summary>
    Blur = 2,
}
