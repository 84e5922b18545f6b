using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>The adaptive layer norm's modulation of the reference DiT (Peebles and Xie 2023, Sec. 3.2, adaLN).</summary>
public static class Modulation
{
    /// <summary>modulate(x, shift, scale) = x (1 + scale) + shift, one shift and scale per sample for all its tokens.</summary>
    /// <param name="x">(N, T, D).</param>
    /// <param name="shift">(N, D).</param>
    /// <param name="scale">(N, D).</param>
    /// <returns>(N, T, D).</returns>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale)
    {
        using var scope = NewDisposeScope();
        // 1 as the added value and as alpha: add(Scalar) and operator + would each make an alpha for the finalizer.
        using var one = 1.ToScalar();
        var modulated = (x * scale.unsqueeze(1).add(one, one)).add(shift.unsqueeze(1), one);    // (N, T, D)
        return modulated.MoveToOuterDisposeScope();
    }
}
