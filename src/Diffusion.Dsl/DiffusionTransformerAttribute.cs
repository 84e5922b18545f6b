using System;

namespace Diffusion.Dsl;

/// <summary>
/// Declares a Diffusion Transformer (Peebles and Xie 2023, "Scalable Diffusion Models with Transformers") over square
/// inputs of <see cref="InputSize"/> x <see cref="InputSize"/> pixels with <see cref="InChannels"/> channels. Its parts
/// are declared by the attributes beside it, in call order: <see cref="PatchifyAttribute"/>,
/// <see cref="TimestepEmbeddingAttribute"/>, <see cref="LabelEmbeddingAttribute"/> and
/// <see cref="AdaLnZeroBlocksAttribute"/> (or <see cref="DiTPresetAttribute"/> for a reference size). The final adaLN
/// layer and unpatchify always close the network. The generator makes the class a TorchSharp module whose field names
/// are the reference implementation's state-dict keys.
/// </summary>
/// <example><code>
/// [DiffusionTransformer(InputSize = 28, InChannels = 1)]
/// [Patchify(PatchSize = 4, Width = 192)]
/// [LabelEmbedding(Classes = 10, DropRate = 0.1)]
/// [AdaLnZeroBlocks(Depth = 6, Heads = 3)]
/// public partial class MnistDit;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DiffusionTransformerAttribute : Attribute
{
    /// <summary>Height and width of the (square) input in pixels or latent cells; the patch size must divide it.</summary>
    public int InputSize { get; set; }

    /// <summary>Channels of the input (1 for MNIST, 3 for RGB, 4 for Stable Diffusion latents).</summary>
    public int InChannels { get; set; }

    /// <summary>
    /// Whether the network also outputs the variance values v of a learned reverse variance (the reference DiT's
    /// <c>learn_sigma</c>): the output then has 2C channels, the prediction first. Pair it with
    /// <c>Variance = ReverseVariance.Learned</c> on the <see cref="DiffusionModelAttribute"/>.
    /// </summary>
    public bool LearnSigma { get; set; }
}
