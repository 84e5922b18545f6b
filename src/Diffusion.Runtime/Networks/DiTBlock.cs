using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// The adaLN-Zero block of the reference DiT (Peebles and Xie 2023, Sec. 3.2, Fig. 3): layer norms without affine
/// weights, modulated by a shift, a scale and a residual gate per branch that a SiLU + Linear regresses from the
/// conditioning c. The network zeroes that Linear (<see cref="ZeroModulation"/>), so the block starts as the identity.
/// Field names are the reference keys: norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2, adaLN_modulation.1.
/// A text-conditioned block also has cross_attn (<see cref="CrossAttention"/>) between attention and MLP, as
/// PixArt-alpha's block (Chen et al. 2023, Sec. 2.3): x = x + CrossAttention(x, text tokens), unmodulated.
/// </summary>
public sealed class DiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    // Declared (and so registered and initialised) in the reference's order.
    private readonly TorchSharp.Modules.LayerNorm norm1;
    private readonly Attention attn;
    private readonly CrossAttention? cross_attn;    // null, so not registered, without text tokens
    private readonly TorchSharp.Modules.LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly TorchSharp.Modules.Sequential adaLN_modulation;

    /// <summary>A block of <paramref name="width"/> features.</summary>
    /// <param name="width">Hidden width D.</param>
    /// <param name="heads">Attention heads; divides D.</param>
    /// <param name="mlpHidden">Hidden width of the MLP, (int)(D * mlp_ratio) in the reference.</param>
    /// <param name="tokenDim">D_token of the text tokens its cross-attention reads; 0 for a block without one.</param>
    public DiTBlock(int width, int heads, int mlpHidden, int tokenDim = 0) : base(nameof(DiTBlock))
    {
        norm1 = nn.LayerNorm(width, eps: 1e-6, elementwise_affine: false);
        attn = new Attention(width, heads);
        if (tokenDim > 0) cross_attn = new CrossAttention(width, heads, tokenDim);
        norm2 = nn.LayerNorm(width, eps: 1e-6, elementwise_affine: false);
        mlp = new Mlp(width, mlpHidden);
        adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(width, 6 * width));
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="depth"/> blocks built in order (the order of their random draws), as the reference's
    /// <c>nn.ModuleList([DiTBlock(...) for _ in range(depth)])</c>.
    /// </summary>
    public static TorchSharp.Modules.ModuleList<DiTBlock> Stack(int depth, int width, int heads, int mlpHidden, int tokenDim = 0)
    {
        var blocks = new DiTBlock[depth];
        for (int i = 0; i < depth; i++) blocks[i] = new DiTBlock(width, heads, mlpHidden, tokenDim);
        return nn.ModuleList(blocks);
    }

    /// <summary>x (N, T, D) conditioned on c (N, D).</summary>
    public override Tensor forward(Tensor x, Tensor c)
    {
        if (cross_attn is not null)
            throw new InvalidOperationException("This block cross-attends over text tokens: call forward(x, c, tokens, mask).");
        return Forward(x, c, null, null);
    }

    /// <summary>
    /// x (N, T, D) conditioned on c (N, D) and, through cross-attention, on text tokens (N, L, D_token) whose mask
    /// (N, L) is true at real tokens.
    /// </summary>
    public Tensor forward(Tensor x, Tensor c, Tensor tokens, Tensor mask)
    {
        if (cross_attn is null) throw new InvalidOperationException("This block has no cross-attention: call forward(x, c).");
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mask);
        return Forward(x, c, tokens, mask);
    }

    private Tensor Forward(Tensor x, Tensor c, Tensor? tokens, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp, each (N, D)
        var m = adaLN_modulation.call(c).chunk(6, 1);
        // The residual additions' alpha, disposed here: Tensor's operator + would make one for the finalizer per call.
        using var one = 1.ToScalar();
        // Inside an Autocast scope each branch computes in low precision; Resume casts its output back to x's
        // float32 once, so the norms, the modulation and the residual stream stay float32, as autocast places them.
        // x = x + gate_msa Attention(modulate(LN(x), shift_msa, scale_msa)); x is the caller's, so not overwritten
        var modulated = Modulation.ModulateFresh(norm1.call(x), m[0], m[1]);                         // (N, T, D)
        var attended = Autocast.Resume(attn.call(modulated), x.dtype);                               // (N, T, D)
        x = Modulation.GatedResidual(x, m[2], attended, ownX: false);                                 // (N, T, D)
        // x = x + CrossAttention(x, tokens) (PixArt-alpha, Chen et al. 2023, Sec. 2.3)
        if (cross_attn is not null) x = x.add(cross_attn.call(x, tokens!, mask!), one);                  // (N, T, D)
        // x = x + gate_mlp MLP(modulate(LN(x), shift_mlp, scale_mlp)); x is this block's own sum by now
        modulated = Modulation.ModulateFresh(norm2.call(x), m[3], m[4]);                             // (N, T, D)
        var transformed = Autocast.Resume(mlp.call(modulated), x.dtype);                            // (N, T, D)
        x = Modulation.GatedResidual(x, m[5], transformed, ownX: true);                               // (N, T, D)
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>adaLN-Zero: the modulation Linear's weight and bias to zero, so the block is the identity.</summary>
    public void ZeroModulation()
    {
        using var noGrad = no_grad();
        foreach (var parameter in adaLN_modulation.parameters()) nn.init.zeros_(parameter);
    }

    /// <summary>The cross-attention's output projection to zero (PixArt-alpha), so the block starts as without it.</summary>
    public void ZeroCrossAttention() => cross_attn?.ZeroOutput();
}
