using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// The reference DiT's final layer (Peebles and Xie 2023, Sec. 3.2): adaLN (shift and scale regressed from c) on a
/// layer norm without affine weights, then a Linear to p * p * C_out values per token. Keys: norm_final, linear,
/// adaLN_modulation.1.
/// </summary>
public sealed class FinalLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.LayerNorm norm_final;
    private readonly TorchSharp.Modules.Linear linear;
    private readonly TorchSharp.Modules.Sequential adaLN_modulation;

    /// <summary>A final layer from <paramref name="width"/> features to patches of <paramref name="outChannels"/>.</summary>
    /// <param name="width">Hidden width D.</param>
    /// <param name="patchSize">p.</param>
    /// <param name="outChannels">Output channels per pixel (C, or 2C with learned variance).</param>
    public FinalLayer(int width, int patchSize, int outChannels) : base(nameof(FinalLayer))
    {
        norm_final = nn.LayerNorm(width, eps: 1e-6, elementwise_affine: false);
        linear = nn.Linear(width, patchSize * patchSize * outChannels);
        adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(width, 2 * width));
        RegisterComponents();
    }

    /// <summary>x (N, T, D) conditioned on c (N, D) to (N, T, p * p * C_out).</summary>
    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var m = adaLN_modulation.call(c).chunk(2, 1);                           // shift, scale, each (N, D)
        var modulated = Modulation.ModulateFresh(norm_final.call(x), m[0], m[1]);    // (N, T, D)
        return linear.call(modulated).MoveToOuterDisposeScope();               // (N, T, p * p * C_out)
    }

    /// <summary>The reference initialisation: modulation and output Linear zero, so the network starts at zero.</summary>
    public void ZeroOutput()
    {
        using var noGrad = no_grad();
        foreach (var parameter in adaLN_modulation.parameters()) nn.init.zeros_(parameter);
        nn.init.zeros_(linear.weight!);
        if (linear.bias is { } bias) nn.init.zeros_(bias);
    }
}
