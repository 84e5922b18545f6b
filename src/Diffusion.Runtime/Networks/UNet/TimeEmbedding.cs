using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// The U-Net's timestep embedding (Ho et al. 2020, Sec. 4; guided-diffusion's <c>time_embed</c> applied to
/// <c>timestep_embedding(t, model_channels)</c>): the sinusoidal features of t, then Linear, SiLU, Linear to the
/// embedding width (4 x model_channels). Keys <c>0</c> and <c>2</c>, as guided-diffusion's Sequential.
/// </summary>
public sealed class TimeEmbedding : nn.Module<Tensor, Tensor>
{
    // A tuple, which RegisterComponents does not register a second time under the field names.
    private readonly (TorchSharp.Modules.Linear First, TorchSharp.Modules.SiLU Silu, TorchSharp.Modules.Linear Second) mlp;
    private readonly int modelChannels;

    /// <summary>An embedding of <paramref name="modelChannels"/> sinusoidal features into <paramref name="width"/>.</summary>
    /// <param name="modelChannels">Sinusoidal features, the U-Net's base channels; even.</param>
    /// <param name="width">The embedding width, 4 x model_channels in DDPM and ADM.</param>
    public TimeEmbedding(int modelChannels, int width) : base(nameof(TimeEmbedding))
    {
        if (modelChannels < 2 || modelChannels % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(modelChannels), $"modelChannels = {modelChannels}; use an even number of at least 2.");
        this.modelChannels = modelChannels;
        mlp = (nn.Linear(modelChannels, width), nn.SiLU(), nn.Linear(width, width));
        register_module("0", mlp.First);
        register_module("1", mlp.Silu);
        register_module("2", mlp.Second);
    }

    /// <summary>t (N) to the embedding (N, width), in the network's dtype.</summary>
    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        var features = TimestepEmbedder.SinusoidalFeatures(t, modelChannels).to(mlp.First.weight!.dtype);    // (N, C0)
        var embedding = mlp.Second.call(mlp.Silu.call(mlp.First.call(features)));                            // (N, width)
        return embedding.MoveToOuterDisposeScope();
    }
}
