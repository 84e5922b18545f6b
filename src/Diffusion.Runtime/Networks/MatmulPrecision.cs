namespace Diffusion.Runtime.Networks;

/// <summary>
/// The precision of the transformer blocks' matrix products and attention while sampling (<see cref="Autocast"/>);
/// norms, softmax statistics, the residual stream, the embeddings and the sampler's arithmetic stay float32.
/// </summary>
public enum MatmulPrecision
{
    /// <summary>Everything in float32 (the default; the numerics every guard records).</summary>
    Float32,

    /// <summary>
    /// bfloat16 (8-bit significand, float32's exponent range) for the Linear layers and attention of every DiT block,
    /// with float32 accumulation inside libtorch's kernels: faster where the processor has bfloat16 instructions
    /// (AVX512_BF16, AMX, tensor cores), at about 2^-8 relative rounding of each product's operands.
    /// </summary>
    BFloat16,
}
