namespace Diffusion.Generators.Model;

/// <summary>
/// A [DiffusionPrior] declaration (Ramesh et al. 2022, Sec. 2.1) with its [TextConditioning] and [TimestepEmbedding],
/// checked. Its samples are image embeddings of shape (EmbeddingDim, 1, 1): InputSize 1, InChannels EmbeddingDim.
/// </summary>
/// <param name="Type">The network class.</param>
/// <param name="EmbeddingDim">D_z, the image embedding's width.</param>
/// <param name="Width">The transformer's width W.</param>
/// <param name="Depth">Number of blocks.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpRatio">MLP hidden width over W.</param>
/// <param name="FrequencyDim">Sinusoidal timestep features.</param>
/// <param name="TextTokens">Whether the text's token states enter the sequence.</param>
/// <param name="LearnSigma">Whether the output also carries the variance values (2 D_z channels).</param>
/// <param name="TextConditioning">The declared [TextConditioning] (never with cross-attention).</param>
/// <param name="Shadowed">Names of <see cref="PriorAliases"/> taken in the declaration's namespace or class, written in
/// full by the generated file (sorted; usually empty).</param>
internal sealed record PriorSpec(
    TypeName Type,
    int EmbeddingDim,
    int Width,
    int Depth,
    int Heads,
    double MlpRatio,
    int FrequencyDim,
    bool TextTokens,
    bool LearnSigma,
    TextConditioningSpec TextConditioning,
    EquatableArray<string> Shadowed = default)
    : NetworkSpec(Type, 1, EmbeddingDim, 0, 0, LearnSigma)
{
    /// <summary>The tokens after the text's: pooled text, timestep, z_t and the query (Ramesh et al. 2022, Sec. 2.1).</summary>
    public const int FixedTokens = 4;

    public int MlpHidden => (int)(Width * MlpRatio);

    /// <summary>S: L_max text tokens (with <see cref="TextTokens"/>) and the four fixed ones.</summary>
    public int SequenceLength => (TextTokens ? TextConditioning.MaxTokens : 0) + FixedTokens;

    /// <inheritdoc/>
    public override TextConditioningSpec? Text => TextConditioning;
}
