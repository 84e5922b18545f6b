using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares unCLIP's diffusion prior (Ramesh et al. 2022, "Hierarchical Text-Conditional Image Generation with CLIP
/// Latents", Sec. 2.1): a decoder-only transformer that generates an image embedding of <see cref="EmbeddingDim"/>
/// values from a text embedding. Its causal sequence is [the text's token states (with <see cref="TextTokens"/>), the
/// pooled text embedding, the timestep embedding, the noised image embedding z_t, a learned query]; the output at the
/// query is the prediction. The embedding is the model's sample, of shape (EmbeddingDim, 1, 1), so a
/// <see cref="DiffusionModelAttribute"/> naming the prior trains and samples it with the declared schedule, loss,
/// samplers and guidance; DALL-E 2 predicts the clean embedding (<c>Predicts = Prediction.CleanSample</c>) with the
/// plain squared error (<c>Weighting = LossWeighting.CleanSample</c>). The text comes from
/// <see cref="TextConditioningAttribute"/> beside it (without cross-attention), whose null embedding replaces it at
/// its drop rate (DALL-E 2 drops it 10% of the time); <see cref="TimestepEmbeddingAttribute"/> sets the timestep's
/// sinusoidal features.
/// </summary>
/// <example><code>
/// [DiffusionPrior(EmbeddingDim = 384, Width = 256, Depth = 4, Heads = 4)]
/// [TextConditioning(PooledDim = 384, TokenDim = 384, MaxTokens = 32, DropRate = 0.1)]
/// public partial class DigitPrior;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DiffusionPriorAttribute : Attribute
{
    /// <summary>D_z, the width of the image embedding the prior generates (384 for a MiniLM-sized joint space).</summary>
    public int EmbeddingDim { get; set; }

    /// <summary>The transformer's width: every token is projected to it.</summary>
    public int Width { get; set; }

    /// <summary>Number of transformer blocks.</summary>
    public int Depth { get; set; }

    /// <summary>Attention heads; they divide <see cref="Width"/>.</summary>
    public int Heads { get; set; }

    /// <summary>Each block's MLP hidden width over <see cref="Width"/> (4, as GPT-2's).</summary>
    public double MlpRatio { get; set; } = 4.0;

    /// <summary>
    /// Whether the text's token states enter the sequence before the pooled embedding, as DALL-E 2's prior does (the
    /// padding masked); false conditions on the pooled embedding alone.
    /// </summary>
    public bool TextTokens { get; set; } = true;

    /// <summary>
    /// Whether the prior also outputs the variance values v of a learned reverse variance: 2 EmbeddingDim output
    /// channels, the prediction first. Pair it with <c>Variance = ReverseVariance.Learned</c> on the model.
    /// </summary>
    public bool LearnSigma { get; set; }
}
