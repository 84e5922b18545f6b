using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>The inverse of patchify, the reference DiT's unpatchify.</summary>
public static class Patches
{
    /// <summary>
    /// (N, T, p * p * C) to (N, C, H, W), H = W = grid * p: token m = i * grid + j fills the patch at row i, column j
    /// (the reference's einsum nhwpqc->nchpwq).
    /// </summary>
    public static Tensor Unpatchify(Tensor h, int grid, int patchSize, int channels)
    {
        long n = h.shape[0];
        using var patches = h.reshape(n, grid, grid, patchSize, patchSize, channels);    // (N, h, w, p, q, C)
        using var ordered = patches.permute(0, 5, 1, 3, 2, 4);                            // (N, C, h, p, w, q)
        return ordered.reshape(n, channels, grid * patchSize, grid * patchSize);          // (N, C, H, W)
    }
}
