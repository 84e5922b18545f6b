using System;

namespace Diffusion.Dsl;

/// <summary>
/// Timestep embedding (Peebles and Xie 2023, Sec. 3.2; the sinusoid of Vaswani et al. 2017): t is encoded by
/// <see cref="FrequencyDim"/> sinusoidal frequencies, then a two-layer MLP with SiLU maps it to the hidden width.
/// Optional: without it the embedding uses 256 frequencies, as the reference implementation does.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TimestepEmbeddingAttribute : Attribute
{
    /// <summary>Number of sinusoidal features (even, positive): half cosines, half sines.</summary>
    public int FrequencyDim { get; set; } = 256;
}
