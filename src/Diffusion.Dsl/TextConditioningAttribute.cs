using System;

namespace Diffusion.Dsl;

/// <summary>
/// Conditions a <see cref="DiffusionTransformerAttribute"/> network on text embedded by a frozen, pretrained encoder
/// (Imagen, Saharia et al. 2022, Sec. 2). The pooled embedding (<see cref="PooledDim"/>) is projected by Linear, SiLU,
/// Linear and added to the conditioning vector c of adaLN, as Imagen adds it to the timestep embedding; with
/// <see cref="CrossAttention"/> every block also attends over the encoder's token states (<see cref="TokenDim"/>, at
/// most <see cref="MaxTokens"/>, padding masked) after self-attention and before the MLP, as PixArt-alpha's DiT (Chen
/// et al. 2023), its output projection zero-initialised so a fresh block computes what it would without it. A learned
/// null embedding (a pooled vector and a null token sequence) replaces the caption with probability
/// <see cref="DropRate"/> in training and serves the unconditional pass of classifier-free guidance (Ho and Salimans
/// 2022). It takes the place of <see cref="LabelEmbeddingAttribute"/>. On a <see cref="UNetAttribute"/> the pooled
/// embedding is added to the timestep embedding, as Imagen does, and with <see cref="CrossAttention"/> every attention
/// block (those of <c>AttentionResolutions</c> and the middle one) is followed by cross-attention over the tokens, as
/// latent diffusion's SpatialTransformer follows self-attention (Rombach et al. 2022, Sec. 3.3).
/// </summary>
/// <example><code>
/// [DiffusionTransformer(InputSize = 28, InChannels = 1)]
/// [TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, CrossAttention = true, DropRate = 0.1)]
/// [Patchify(PatchSize = 4, Width = 192)]
/// [AdaLnZeroBlocks(Depth = 6, Heads = 3)]
/// public partial class MnistTextDit;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TextConditioningAttribute : Attribute
{
    /// <summary>Width of the encoder's pooled embedding (384 for all-MiniLM-L6-v2).</summary>
    public int PooledDim { get; set; }

    /// <summary>Width of the encoder's per-token states (384 for all-MiniLM-L6-v2).</summary>
    public int TokenDim { get; set; }

    /// <summary>The most tokens a text brings (special tokens included): the length of the null token sequence.</summary>
    public int MaxTokens { get; set; } = 32;

    /// <summary>
    /// Whether the network cross-attends over the token states (a DiT in every block, a U-Net after every attention
    /// block); else only the pooled embedding conditions.
    /// </summary>
    public bool CrossAttention { get; set; }

    /// <summary>p_uncond, the probability of training on the null embedding instead of the caption, in [0, 1).</summary>
    public double DropRate { get; set; } = 0.1;
}
