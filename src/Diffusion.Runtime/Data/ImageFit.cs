namespace Diffusion.Runtime.Data;

/// <summary>How an image whose size differs from the declared one is brought to it.</summary>
public enum ImageFit
{
    /// <summary>Refuse it, naming the file and both sizes.</summary>
    Exact,

    /// <summary>
    /// Scale it (bicubic) so that its shorter side is the declared size, then cut the centre: the preprocessing of
    /// guided-diffusion's <c>center_crop_arr</c> and of diffusers' training scripts with <c>--center_crop</c>.
    /// </summary>
    CenterCrop,
}
