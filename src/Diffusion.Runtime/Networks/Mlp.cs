using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// The transformer block's MLP as timm's Mlp in the reference DiT: Linear, GELU with the tanh approximation
/// (Hendrycks and Gimpel 2016, Sec. 2), Linear. <c>fc1</c> and <c>fc2</c> are the reference keys. Inside an
/// <see cref="Autocast"/> scope it runs in its low precision, the output too.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear fc1;
    private readonly TorchSharp.Modules.Linear fc2;

    /// <summary>An MLP <paramref name="width"/> -> <paramref name="hidden"/> -> <paramref name="width"/>.</summary>
    public Mlp(int width, int hidden) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(width, hidden);
        fc2 = nn.Linear(hidden, width);
        RegisterComponents();
    }

    /// <summary>x (N, T, D) to (N, T, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.gelu(Autocast.Linear(fc1, x), TorchSharp.Modules.GELU.Approximate.tanh);    // (N, T, hidden)
        return Autocast.Linear(fc2, hidden).MoveToOuterDisposeScope();                  // (N, T, D)
    }
}
