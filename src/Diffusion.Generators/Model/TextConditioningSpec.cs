namespace Diffusion.Generators.Model;

/// <summary>A [TextConditioning] declaration (Saharia et al. 2022, Sec. 2), checked.</summary>
/// <param name="PooledDim">Width of the encoder's pooled embedding.</param>
/// <param name="TokenDim">Width of the encoder's token states.</param>
/// <param name="MaxTokens">The most tokens a text brings: the null token sequence's length.</param>
/// <param name="CrossAttention">Whether every block cross-attends over the token states.</param>
/// <param name="DropRate">p_uncond, the probability that training uses the null embedding.</param>
internal sealed record TextConditioningSpec(int PooledDim, int TokenDim, int MaxTokens, bool CrossAttention, double DropRate);
