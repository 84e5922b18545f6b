namespace Diffusion.Runtime.Text;

/// <summary>
/// unCLIP's diffusion prior (Ramesh et al. 2022, Sec. 2.1): a text-conditioned model whose samples are image
/// embeddings (Count, <see cref="EmbeddingDim"/>, 1, 1) of a joint image-text space, which a decoder conditioned on
/// image embeddings turns into images. The generator implements it on every [DiffusionModel] over a [DiffusionPrior].
/// </summary>
public interface IDiffusionPrior : ITextDiffusionModel
{
    /// <summary>D_z, the width of the image embeddings it generates.</summary>
    int EmbeddingDim { get; }
}
