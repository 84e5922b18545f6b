using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Contrastive;

/// <summary>Rows scaled to unit L2 norm, x / max(|x|, 1e-12) as PyTorch's F.normalize: CLIP's normalised features.</summary>
internal static class UnitRows
{
    private static readonly Scalar MinNorm = 1e-12.ToScalar();

    /// <summary>Each row of <paramref name="x"/> (N, D) divided by its norm (N, 1).</summary>
    public static Tensor Of(Tensor x)
    {
        using var scope = NewDisposeScope();
        var norm = x.norm(1, keepdim: true).clamp_min(MinNorm);    // (N, 1)
        return x.div(norm).MoveToOuterDisposeScope();              // (N, D)
    }
}
