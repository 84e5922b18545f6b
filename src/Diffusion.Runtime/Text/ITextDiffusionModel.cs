using System;
using Diffusion.Dsl;
using Diffusion.Runtime.Models;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Text;

/// <summary>
/// A diffusion model conditioned on text through a frozen encoder's embeddings (Saharia et al. 2022, Sec. 2): the
/// generator implements it on every [DiffusionModel] whose network declares [TextConditioning]. It trains on (image,
/// text) batches and samples from prompt embeddings with classifier-free guidance over text.
/// </summary>
public interface ITextDiffusionModel : IDiffusionModel
{
    /// <summary>D of the pooled text embedding the network takes.</summary>
    int PooledDim { get; }

    /// <summary>D of the text token states the network takes.</summary>
    int TokenDim { get; }

    /// <summary>The most text tokens the network takes.</summary>
    int MaxTokens { get; }

    /// <summary>
    /// Whether the network reads the token states (a DiT's cross-attention, a prior's text tokens); false: the pooled
    /// embedding alone conditions it, as an unCLIP decoder's image embedding does.
    /// </summary>
    bool ReadsTokens { get; }

    /// <summary>p_uncond: the training loss drops a caption to the null embedding with this probability.</summary>
    double TextDropRate { get; }

    /// <summary>
    /// The training objective for clean images x_0 (N, C, H, W) and their captions' embeddings (N rows); every draw,
    /// the caption drops included, comes from <paramref name="generator"/>. Returns a scalar.
    /// </summary>
    Tensor TrainingLoss(Tensor x0, TextConditioning text, Generator generator);

    /// <summary>
    /// Images (Count, C, H, W) for the prompts (Count rows) by a declared sampler, guided over text at the request's
    /// GuidanceScale (the request carries no labels).
    /// </summary>
    Tensor SampleText(TextConditioning prompts, SamplerKind sampler, SampleRequest request, Generator generator,
        Action<int, Tensor>? onStep = null);
}
