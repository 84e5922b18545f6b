using System;
using System.Collections.Generic;
using System.Globalization;
using Diffusion.Runtime.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// guided-diffusion's TimestepEmbedSequential: layers applied in order, the timestep embedding passed to those that take
/// it (the residual blocks) and, through <see cref="call(Tensor, Tensor, TextConditioning)"/>, a text's token states to
/// the cross-attention blocks (latent diffusion's TimestepEmbedSequential passes its context the same way). Its layers
/// are keys <c>0</c>, <c>1</c>, ... as in an nn.Sequential.
/// </summary>
public sealed class TimestepEmbedSequential : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module[] layers;

    /// <summary>
    /// A sequence of layers, each an nn.Module&lt;Tensor, Tensor&gt;, one that also takes the embedding, or a
    /// <see cref="CrossAttentionBlock"/>.
    /// </summary>
    public TimestepEmbedSequential(params nn.Module[] layers) : base(nameof(TimestepEmbedSequential))
    {
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is not (nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor> or CrossAttentionBlock))
                throw new ArgumentException($"layer {i} ({layers[i].GetName()}) takes neither x, (x, emb) nor (x, tokens, mask).", nameof(layers));
            register_module(i.ToString(CultureInfo.InvariantCulture), layers[i]);
        }
        this.layers = layers;
    }

    /// <summary>The layers in call order.</summary>
    public IReadOnlyList<nn.Module> Layers => layers;

    /// <summary>x through every layer; emb (N, width) goes to the layers that take it. No layer may cross-attend.</summary>
    public override Tensor forward(Tensor x, Tensor emb) => Run(x, emb, null);

    /// <summary>
    /// x through every layer: emb (N, width) to the residual blocks, the token states and mask of
    /// <paramref name="text"/> (as <see cref="TextEmbedder.Substitute"/> returns them) to the cross-attention blocks.
    /// </summary>
    public Tensor call(Tensor x, Tensor emb, TextConditioning text) => Run(x, emb, text ?? throw new ArgumentNullException(nameof(text)));

    private Tensor Run(Tensor x, Tensor emb, TextConditioning? text)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var layer in layers)
        {
            h = layer switch
            {
                CrossAttentionBlock crossAttention => crossAttention.call(h, Tokens(text).Tokens, text!.Mask),
                nn.Module<Tensor, Tensor, Tensor> timestepBlock => timestepBlock.call(h, emb),
                _ => ((nn.Module<Tensor, Tensor>)layer).call(h),
            };
        }
        return h.MoveToOuterDisposeScope();
    }

    private static TextConditioning Tokens(TextConditioning? text) => text
        ?? throw new InvalidOperationException("this block cross-attends over text tokens: call it with the text (call(x, emb, text)).");
}
