namespace Diffusion.Dsl;

/// <summary>
/// The reference Diffusion Transformer sizes (Peebles and Xie 2023, Table 1), as (depth, width, heads):
/// S (12, 384, 6), B (12, 768, 12), L (24, 1024, 16), XL (28, 1152, 16). The MLP ratio is 4.
/// </summary>
public enum DiTSize
{
    /// <summary>DiT-S: depth 12, width 384, 6 heads.</summary>
    S = 0,

    /// <summary>DiT-B: depth 12, width 768, 12 heads.</summary>
    B = 1,

    /// <summary>DiT-L: depth 24, width 1024, 16 heads.</summary>
    L = 2,

    /// <summary>DiT-XL: depth 28, width 1152, 16 heads.</summary>
    XL = 3,
}
