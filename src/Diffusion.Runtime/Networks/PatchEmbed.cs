using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// Patchify (Peebles and Xie 2023, Sec. 3.2; timm's PatchEmbed as the reference DiT uses it): a p x p convolution of
/// stride p projects each patch of the input to D features, and the patches become a sequence of T tokens.
/// The field name <c>proj</c> is the reference state-dict key, so <c>x_embedder.proj.*</c> loads.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d proj;

    /// <summary>A patch embedding of <paramref name="inChannels"/> channels into <paramref name="width"/> features.</summary>
    /// <param name="inChannels">Channels C of the input.</param>
    /// <param name="width">Hidden width D of a token.</param>
    /// <param name="patchSize">p, the side of a patch (kernel and stride).</param>
    public PatchEmbed(int inChannels, int width, int patchSize) : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(inChannels, width, kernel_size: patchSize, stride: patchSize, bias: true);
        RegisterComponents();
    }

    /// <summary>x (N, C, H, W) to tokens (N, T, D), T = (H / p) (W / p), row by row.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var patches = proj.call(x);                         // (N, D, H / p, W / p)
        var tokens = patches.flatten(2).transpose(1, 2);    // (N, T, D)
        return tokens.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference initialize_weights for the patch embedding: xavier_uniform on the weight viewed as a Linear
    /// (D, C p p), so it starts like the Linear of ViT's patch embedding; zero bias. Draws from the default generator.
    /// </summary>
    public void InitializeAsLinear()
    {
        using var noGrad = no_grad();
        using (var flat = proj.weight!.view(proj.weight.shape[0], -1)) nn.init.xavier_uniform_(flat);
        if (proj.bias is { } bias) nn.init.zeros_(bias);
    }
}
