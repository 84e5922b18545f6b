using System;

namespace Diffusion.Dsl;

/// <summary>
/// A stack of adaLN-Zero transformer blocks (Peebles and Xie 2023, Sec. 3.2): c = t_emb + y_emb -> SiLU -> Linear ->
/// (shift1, scale1, gate1, shift2, scale2, gate2); x = x + gate1 * Attention(LN(x) (1 + scale1) + shift1);
/// x = x + gate2 * MLP(LN(x) (1 + scale2) + shift2). The modulation Linear starts at zero, so every block starts as
/// the identity.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdaLnZeroBlocksAttribute : Attribute
{
    /// <summary>Number of blocks (positive).</summary>
    public int Depth { get; set; }

    /// <summary>Attention heads (positive); the width must be divisible by it.</summary>
    public int Heads { get; set; }

    /// <summary>Hidden width of each block's MLP as a multiple of the width (the paper uses 4).</summary>
    public double MlpRatio { get; set; } = 4.0;
}
