using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// guided-diffusion's TimestepEmbedSequential: layers applied in order, the timestep embedding passed to those that take
/// it (the residual blocks). Its layers are keys <c>0</c>, <c>1</c>, ... as in an nn.Sequential.
/// </summary>
public sealed class TimestepEmbedSequential : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module[] layers;

    /// <summary>A sequence of layers, each an nn.Module&lt;Tensor, Tensor&gt; or one that also takes the embedding.</summary>
    public TimestepEmbedSequential(params nn.Module[] layers) : base(nameof(TimestepEmbedSequential))
    {
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is not (nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor>))
                throw new ArgumentException($"layer {i} ({layers[i].GetName()}) takes neither x nor (x, emb).", nameof(layers));
            register_module(i.ToString(CultureInfo.InvariantCulture), layers[i]);
        }
        this.layers = layers;
    }

    /// <summary>The layers in call order.</summary>
    public IReadOnlyList<nn.Module> Layers => layers;

    /// <summary>x through every layer; emb (N, width) goes to the layers that take it.</summary>
    public override Tensor forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var layer in layers)
            h = layer is nn.Module<Tensor, Tensor, Tensor> timestepBlock ? timestepBlock.call(h, emb) : ((nn.Module<Tensor, Tensor>)layer).call(h);
        return h.MoveToOuterDisposeScope();
    }
}
