using System.Collections.Generic;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A frozen, pretrained text encoder: captions and prompts in, embeddings out. It never trains; its weights are fixed
/// by <see cref="Identity"/>, so a cache of its embeddings (<see cref="CaptionEmbeddingCache"/>) can tell encoders apart.
/// </summary>
/// <remarks>
/// Two outputs serve two kinds of conditioning: the pooled vector (one per text) conditions adaLN or the timestep
/// embedding; the per-token states with their padding mask feed cross-attention (Imagen, latent diffusion).
/// </remarks>
public interface ITextEncoder
{
    /// <summary>The model's name and the hash of its weights file.</summary>
    TextEncoderIdentity Identity { get; }

    /// <summary>D of the pooled embedding (N, D).</summary>
    int PooledDimension { get; }

    /// <summary>D of the per-token states (N, L, D).</summary>
    int TokenDimension { get; }

    /// <summary>The most tokens a text is encoded with (special tokens included); longer texts are truncated.</summary>
    int MaxTokens { get; }

    /// <summary>
    /// Encodes <paramref name="texts"/> in one batch: pooled embeddings (N, D), per-token states (N, L, D) and their mask
    /// (N, L), with L the longest text's token count (at most <see cref="MaxTokens"/>), float32 on the CPU. The same
    /// texts give the same numbers every time.
    /// </summary>
    /// <exception cref="System.ArgumentException">A text is null.</exception>
    TextEncoding Encode(IReadOnlyList<string> texts);
}
