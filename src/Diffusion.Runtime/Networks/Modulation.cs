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

    /// <summary>
    /// <see cref="Modulate"/> of a tensor the caller made for this call and reads no more (a layer norm's output):
    /// without autograd (sampling) it is modulated in place, the same operations in the same order without the two
    /// (N, T, D) temporaries; with autograd, as <see cref="Modulate"/> (its product needs the unmodulated x).
    /// </summary>
    /// <param name="fresh">(N, T, D), overwritten when gradients are off.</param>
    /// <param name="shift">(N, D).</param>
    /// <param name="scale">(N, D).</param>
    /// <returns>(N, T, D): <paramref name="fresh"/> itself when gradients are off.</returns>
    public static Tensor ModulateFresh(Tensor fresh, Tensor shift, Tensor scale)
    {
        if (is_grad_enabled()) return Modulate(fresh, shift, scale);
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        // x (1 + scale) + shift (Peebles and Xie 2023, Sec. 3.2), in place
        return fresh.mul_(scale.unsqueeze(1).add(one, one)).add_(shift.unsqueeze(1), one);    // (N, T, D)
    }

    /// <summary>
    /// The gated residual x + gate y of adaLN-Zero (Peebles and Xie 2023, Sec. 3.2), for a branch output
    /// <paramref name="fresh"/> the caller reads no more: without autograd the product goes into it in place, and
    /// into <paramref name="x"/> too when <paramref name="ownX"/> says the caller may lose x; the operations and their
    /// order are those of x + gate * y, so the bits are. With autograd, out of place (both products need their inputs).
    /// </summary>
    /// <param name="x">(N, T, D), the residual stream.</param>
    /// <param name="gate">(N, D).</param>
    /// <param name="fresh">(N, T, D), the branch output y.</param>
    /// <param name="ownX">Whether x is the caller's own tensor, free to overwrite.</param>
    /// <returns>(N, T, D).</returns>
    public static Tensor GatedResidual(Tensor x, Tensor gate, Tensor fresh, bool ownX)
    {
        using var one = 1.ToScalar();
        if (is_grad_enabled()) return x.add(gate.unsqueeze(1) * fresh, one);
        var gated = fresh.mul_(gate.unsqueeze(1));                     // gate y, in place
        return ownX ? x.add_(gated, one) : x.add(gated, one);          // (N, T, D)
    }
}
