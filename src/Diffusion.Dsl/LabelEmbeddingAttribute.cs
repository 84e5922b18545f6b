using System;

namespace Diffusion.Dsl;

/// <summary>
/// Class-label embedding (Peebles and Xie 2023, Sec. 3.2): a table of <see cref="Classes"/> + 1 rows, the extra row being
/// the null label that classifier-free guidance (Ho and Salimans 2022) trains by replacing a label with it with
/// probability <see cref="DropRate"/>. Without this attribute the network is unconditional.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LabelEmbeddingAttribute : Attribute
{
    /// <summary>Number of classes (positive); labels are 0..Classes-1 and the null label is Classes.</summary>
    public int Classes { get; set; }

    /// <summary>p_uncond, the probability of training with the null label, in [0, 1); 0.1 to 0.2 is usual.</summary>
    public double DropRate { get; set; } = 0.1;
}
