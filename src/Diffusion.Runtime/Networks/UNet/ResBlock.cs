using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks.UNet;

/// <summary>
/// The residual block with the timestep embedding (Ho et al. 2020, Appendix B; Dhariwal and Nichol 2021, Sec. 3;
/// guided-diffusion's ResBlock): GroupNorm, SiLU, 3x3 conv; the embedding through SiLU and a Linear, added to the
/// activations or, with scale-shift normalisation, as GroupNorm(h) (1 + scale) + shift; SiLU, dropout and a
/// zero-initialised 3x3 conv; plus the skip (the identity, or a 1x1 conv when the channels change). The block starts
/// as its skip. Keys: <c>in_layers.{0,2}</c>, <c>emb_layers.1</c>, <c>out_layers.{0,3}</c>, <c>skip_connection</c>.
/// </summary>
public sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential in_layers;
    private readonly TorchSharp.Modules.Sequential emb_layers;
    private readonly TorchSharp.Modules.Sequential out_layers;
    private readonly nn.Module<Tensor, Tensor> skip_connection;

    // out_layers' members, for the scale-shift path that runs the norm apart. A tuple, which a parent's
    // RegisterComponents does not register a second time under the field names.
    private readonly (TorchSharp.Modules.GroupNorm Norm, TorchSharp.Modules.SiLU Silu, TorchSharp.Modules.Dropout Dropout,
        TorchSharp.Modules.Conv2d Conv) outParts;
    private readonly bool scaleShiftNorm;

    /// <summary>A block from <paramref name="channels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="embeddingWidth">Width of the timestep embedding.</param>
    /// <param name="dropout">Dropout before the last convolution.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="scaleShiftNorm">ADM's scale-shift normalisation, else the embedding is added (DDPM).</param>
    /// <param name="normGroups">Groups of both GroupNorms; divides both channel counts.</param>
    public ResBlock(int channels, int embeddingWidth, double dropout, int outChannels, bool scaleShiftNorm, int normGroups)
        : base(nameof(ResBlock))
    {
        if (channels % normGroups != 0 || outChannels % normGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(normGroups), $"normGroups = {normGroups} must divide {channels} and {outChannels}.");
        this.scaleShiftNorm = scaleShiftNorm;
        // Built in guided-diffusion's order, which is the order of the random draws of the convolutions and the Linear.
        in_layers = nn.Sequential(
            Normalization.GroupNorm(normGroups, channels), nn.SiLU(), nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1));
        emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(embeddingWidth, scaleShiftNorm ? 2 * outChannels : outChannels));
        outParts = (Normalization.GroupNorm(normGroups, outChannels), nn.SiLU(), nn.Dropout(dropout),
            Normalization.Zero(nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1)));
        out_layers = nn.Sequential(outParts.Norm, outParts.Silu, outParts.Dropout, outParts.Conv);
        skip_connection = channels == outChannels ? nn.Identity() : nn.Conv2d(channels, outChannels, kernel_size: 1);
        register_module(nameof(in_layers), in_layers);
        register_module(nameof(emb_layers), emb_layers);
        register_module(nameof(out_layers), out_layers);
        register_module(nameof(skip_connection), skip_connection);
    }

    /// <summary>x (N, channels, H, W) with the embedding emb (N, width) to (N, outChannels, H, W).</summary>
    public override Tensor forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        // 1 as added value and alpha, disposed here: add(Scalar) and operator + would make alphas for the finalizer.
        using var one = 1.ToScalar();
        var h = in_layers.call(x);                                            // (N, out, H, W)
        var e = emb_layers.call(emb).unsqueeze(-1).unsqueeze(-1);             // (N, out or 2 out, 1, 1)
        if (scaleShiftNorm)
        {
            var parts = e.chunk(2, 1);                                        // scale, shift: (N, out, 1, 1) each
            // GroupNorm(h) (1 + scale) + shift (Dhariwal and Nichol 2021, Sec. 3, adaptive group normalisation)
            h = (outParts.Norm.call(h) * parts[0].add(one, one)).add(parts[1], one);
            h = outParts.Conv.call(outParts.Dropout.call(outParts.Silu.call(h)));    // out_layers[1:]
        }
        else
        {
            h = out_layers.call(h.add(e, one));                                  // h + emb, then the output layers (DDPM)
        }
        return skip_connection.call(x).add(h, one).MoveToOuterDisposeScope();     // (N, out, H, W)
    }
}
