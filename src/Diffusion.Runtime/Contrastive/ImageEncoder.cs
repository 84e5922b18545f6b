using System;
using System.Collections.Generic;
using Diffusion.Runtime.Networks.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>
/// A small convolutional image tower for contrastive training: images (N, C, H, W) in [-1, 1] to unit embeddings
/// (N, D). A 3x3 stem to the base width, then per stage a stride-2 3x3 convolution that halves the size and doubles
/// the width and a 3x3 convolution, each after GroupNorm and SiLU (the pre-activation order of ADM's residual blocks,
/// without the residual), the spatial mean (so any image size is taken), a Linear to D, and L2 normalisation, as CLIP's
/// image features are normalised before the logits (Radford et al. 2021, Fig. 3). Keys: <c>stem</c>,
/// <c>stages.{i}.{0..5}</c>, <c>norm_out</c>, <c>proj</c>.
/// </summary>
public sealed class ImageEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>GroupNorm's groups: the width must be a multiple of it.</summary>
    public const int NormGroups = 8;

    private readonly TorchSharp.Modules.Conv2d stem;
    private readonly TorchSharp.Modules.ModuleList<TorchSharp.Modules.Sequential> stages;
    private readonly TorchSharp.Modules.GroupNorm norm_out;
    private readonly TorchSharp.Modules.SiLU act_out;
    private readonly TorchSharp.Modules.Linear proj;

    /// <summary>An encoder of <paramref name="channels"/>-channel images into <paramref name="embeddingDim"/> dimensions.</summary>
    /// <param name="channels">C of the images.</param>
    /// <param name="embeddingDim">D of the embedding (the text encoder's pooled dimension).</param>
    /// <param name="width">The stem's channels, a multiple of <see cref="NormGroups"/>; stage i has width * 2^(i+1).</param>
    /// <param name="stages">The stride-2 stages (28x28 to 7x7 with 2).</param>
    public ImageEncoder(int channels, int embeddingDim, int width = 32, int stages = 2) : base(nameof(ImageEncoder))
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), $"channels = {channels}; use at least 1.");
        if (embeddingDim < 1) throw new ArgumentOutOfRangeException(nameof(embeddingDim), $"embeddingDim = {embeddingDim}; use at least 1.");
        if (width < NormGroups || width % NormGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"width = {width}; use a positive multiple of {NormGroups} (GroupNorm's groups).");
        if (stages is < 0 or > 6) throw new ArgumentOutOfRangeException(nameof(stages), $"stages = {stages}; use 0 to 6.");
        Channels = channels;
        EmbeddingDim = embeddingDim;
        Width = width;
        Stages = stages;

        // GroupNorms through Normalization: TorchSharp 0.107 leaves nn.GroupNorm's affine weight and bias uninitialised.
        stem = nn.Conv2d(channels, width, 3, padding: 1);
        var list = new List<TorchSharp.Modules.Sequential>();
        int current = width;
        for (int i = 0; i < stages; i++)
        {
            int next = current * 2;
            list.Add(nn.Sequential(
                Normalization.GroupNorm(NormGroups, current), nn.SiLU(), nn.Conv2d(current, next, 3, stride: 2, padding: 1),
                Normalization.GroupNorm(NormGroups, next), nn.SiLU(), nn.Conv2d(next, next, 3, padding: 1)));
            current = next;
        }
        this.stages = nn.ModuleList(list.ToArray());
        norm_out = Normalization.GroupNorm(NormGroups, current);
        act_out = nn.SiLU();
        proj = nn.Linear(current, embeddingDim);
        RegisterComponents();
    }

    /// <summary>C of the images.</summary>
    public int Channels { get; }

    /// <summary>D of the embedding.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The stem's channels.</summary>
    public int Width { get; }

    /// <summary>The number of stride-2 stages.</summary>
    public int Stages { get; }

    /// <summary>Unit embeddings (N, D) of images (N, C, H, W).</summary>
    public override Tensor forward(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Channels)
            throw new ArgumentException($"Expected images (N, {Channels}, H, W), got ({string.Join(", ", images.shape)}).", nameof(images));
        using var scope = NewDisposeScope();
        var h = stem.call(images);                                    // (N, W, H, W)
        foreach (var stage in stages) h = stage.call(h);              // (N, W 2^S, H / 2^S, W / 2^S)
        h = act_out.call(norm_out.call(h)).mean([2L, 3L]);            // (N, W 2^S) spatial mean
        var e = proj.call(h);                                         // (N, D)
        return UnitRows.Of(e).MoveToOuterDisposeScope();              // (N, D) u_i = e_i / |e_i|
    }
}
