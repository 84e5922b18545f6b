using System;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// The text side of a text-conditioned DiT. The pooled embedding of a frozen encoder is projected to the width D by
/// Linear, SiLU, Linear (as the DiT's own timestep MLP, and as Stable Diffusion XL's pooled-text embedding, diffusers'
/// add_embedding) and added to c, the conditioning of adaLN (Saharia et al. 2022, Sec. 2: the pooled embedding added
/// to the timestep embedding). It holds the learned null embedding of classifier-free guidance (Ho and Salimans 2022):
/// a pooled vector and, with cross-attention, a null token sequence of MaxTokens tokens (PixArt-alpha's y_embedding),
/// which <see cref="Substitute"/> puts in place of the dropped rows. Keys: <c>mlp.0</c>, <c>mlp.2</c>,
/// <c>null_pooled</c>, <c>null_tokens</c>.
/// </summary>
public sealed class TextEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential mlp;
    private readonly TorchSharp.Modules.Parameter null_pooled;
    private readonly TorchSharp.Modules.Parameter? null_tokens;

    /// <summary>A text embedder into <paramref name="width"/> features.</summary>
    /// <param name="pooledDim">D_pooled of the encoder's pooled embedding.</param>
    /// <param name="width">D, the network's width.</param>
    /// <param name="tokenDim">D_token of the encoder's token states.</param>
    /// <param name="maxTokens">L_max: the null token sequence's length and the most tokens a text may bring.</param>
    /// <param name="crossAttention">Whether the blocks attend over the tokens (then the null sequence exists).</param>
    public TextEmbedder(int pooledDim, int width, int tokenDim, int maxTokens, bool crossAttention) : base(nameof(TextEmbedder))
    {
        if (pooledDim < 1) throw new ArgumentOutOfRangeException(nameof(pooledDim), $"pooledDim = {pooledDim}; use at least 1.");
        if (tokenDim < 1) throw new ArgumentOutOfRangeException(nameof(tokenDim), $"tokenDim = {tokenDim}; use at least 1.");
        if (maxTokens < 1) throw new ArgumentOutOfRangeException(nameof(maxTokens), $"maxTokens = {maxTokens}; use at least 1.");
        PooledDim = pooledDim;
        TokenDim = tokenDim;
        MaxTokens = maxTokens;
        mlp = nn.Sequential(nn.Linear(pooledDim, width), nn.SiLU(), nn.Linear(width, width));
        null_pooled = new TorchSharp.Modules.Parameter(zeros(pooledDim));
        if (crossAttention) null_tokens = new TorchSharp.Modules.Parameter(zeros(maxTokens, tokenDim));
        RegisterComponents();
    }

    /// <summary>D_pooled.</summary>
    public int PooledDim { get; }

    /// <summary>D_token.</summary>
    public int TokenDim { get; }

    /// <summary>L_max.</summary>
    public int MaxTokens { get; }

    /// <summary>The pooled embedding (N, D_pooled) projected to (N, D), to be added to c.</summary>
    public override Tensor forward(Tensor pooled) => mlp.call(pooled);    // (N, D)

    /// <summary>
    /// The texts as the network uses them: where <see cref="TextConditioning.Dropped"/> is true the pooled vector is
    /// the null vector and (with cross-attention) the tokens are the null sequence, all of it unmasked; the tokens are
    /// padded with masked zeros to L_max, so real and null rows share one batch. Dropped is null in the result.
    /// </summary>
    public TextConditioning Substitute(TextConditioning text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Validate(PooledDim, TokenDim, MaxTokens);
        using var scope = NewDisposeScope();
        long n = text.Count, missing = MaxTokens - text.Tokens.shape[1];
        var dropped = text.Dropped?.to_type(ScalarType.Bool) ?? zeros(n, dtype: ScalarType.Bool, device: text.Pooled.device);
        var pooled = where(dropped.unsqueeze(1), null_pooled.expand(n, PooledDim), text.Pooled);          // (N, D_pooled)
        if (null_tokens is null) return Moved(new TextConditioning(pooled, text.Tokens.alias(), text.Mask.alias()));
        var tokens = nn.functional.pad(text.Tokens, new[] { 0L, 0, 0, missing });                      // (N, L_max, D_token)
        var mask = nn.functional.pad(text.Mask.to_type(ScalarType.Bool), new[] { 0L, missing });       // (N, L_max)
        tokens = where(dropped.reshape(n, 1, 1), null_tokens.expand(n, MaxTokens, TokenDim), tokens);  // (N, L_max, D_token)
        mask = mask.logical_or(dropped.reshape(n, 1));                                               // (N, L_max)
        return Moved(new TextConditioning(pooled, tokens, mask));
    }

    /// <summary>
    /// The projection's weights normal with std 0.02, as the reference DiT initialises its timestep MLP; the null
    /// embeddings normal with std 1 / sqrt(D) of their own width, as PixArt-alpha's y_embedding (randn / sqrt(D)).
    /// </summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (key, parameter) in mlp.named_parameters())
        {
            if (key.EndsWith(".weight", StringComparison.Ordinal)) nn.init.normal_(parameter, 0.0, 0.02);
        }
        nn.init.normal_(null_pooled, 0.0, 1.0 / Math.Sqrt(PooledDim));
        if (null_tokens is not null) nn.init.normal_(null_tokens, 0.0, 1.0 / Math.Sqrt(TokenDim));
    }

    private static TextConditioning Moved(TextConditioning text) => new(text.Pooled.MoveToOuterDisposeScope(),
        text.Tokens.MoveToOuterDisposeScope(), text.Mask.MoveToOuterDisposeScope());
}
