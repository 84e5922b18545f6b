namespace Diffusion.Runtime.Text;

/// <summary>Which frozen encoder made an embedding: the model's name and the SHA-256 of the weights it ran.</summary>
/// <param name="ModelId">The model's public name, e.g. <c>sentence-transformers/all-MiniLM-L6-v2</c>.</param>
/// <param name="WeightsSha256">The SHA-256 of its weights file, 64 lowercase hexadecimal digits: two files under one
/// name (a re-export, another quantisation) give other numbers, so a cache must not mix them.</param>
public sealed record TextEncoderIdentity(string ModelId, string WeightsSha256)
{
    /// <summary><c>{ModelId} sha256:{WeightsSha256}</c>, the form caches store and messages print.</summary>
    public override string ToString() => $"{ModelId} sha256:{WeightsSha256}";
}
