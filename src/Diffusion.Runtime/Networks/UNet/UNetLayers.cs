namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// The hyperparameters every residual and attention block of one U-Net shares (guided-diffusion passes time_embed_dim,
/// dropout, use_scale_shift_norm and num_heads to each), so a generated network builds a block from its channels alone.
/// </summary>
/// <param name="EmbeddingWidth">Width of the timestep embedding.</param>
/// <param name="Dropout">Residual-block dropout.</param>
/// <param name="ScaleShiftNorm">ADM's scale-shift normalisation, else the additive embedding.</param>
/// <param name="NormGroups">Groups of every GroupNorm.</param>
/// <param name="Heads">Heads of every attention block.</param>
public sealed record UNetLayers(int EmbeddingWidth, double Dropout, bool ScaleShiftNorm, int NormGroups, int Heads)
{
    /// <summary>A residual block from <paramref name="channels"/> to <paramref name="outChannels"/>.</summary>
    public ResBlock ResBlock(int channels, int outChannels) =>
        new(channels, EmbeddingWidth, Dropout, outChannels, ScaleShiftNorm, NormGroups);

    /// <summary>An attention block over <paramref name="channels"/>.</summary>
    public AttentionBlock Attention(int channels) => new(channels, Heads, NormGroups);

    /// <summary>A cross-attention block over <paramref name="channels"/>, attending over tokens of <paramref name="tokenDim"/>.</summary>
    public CrossAttentionBlock CrossAttention(int channels, int tokenDim) => new(channels, Heads, NormGroups, tokenDim);
}
