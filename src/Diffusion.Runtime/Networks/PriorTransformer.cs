using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>
/// The diffusion prior's decoder-only transformer (Ramesh et al. 2022, Sec. 2.1): <see cref="PriorBlock"/>s under a
/// causal mask, then a final LayerNorm (GPT-2's ln_f, Radford et al. 2019, Sec. 2.3). The generated prior builds the
/// token sequence [text tokens, pooled text, timestep, z_t, query] and reads the output at the last position; the
/// causal mask keeps each position from seeing the ones after it, so the final query sees the whole sequence and the
/// text never sees the noised embedding. Keys: <c>blocks.{i}</c>, <c>ln_f</c>.
/// </summary>
public sealed class PriorTransformer : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<PriorBlock> blocks;
    private readonly TorchSharp.Modules.LayerNorm ln_f;

    /// <summary><paramref name="depth"/> blocks over tokens of <paramref name="width"/> features.</summary>
    /// <param name="depth">Number of blocks.</param>
    /// <param name="width">D, the tokens' width.</param>
    /// <param name="heads">Attention heads; divides D.</param>
    /// <param name="mlpHidden">Hidden width of each block's MLP.</param>
    public PriorTransformer(int depth, int width, int heads, int mlpHidden) : base(nameof(PriorTransformer))
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), $"depth = {depth}; use at least 1.");
        blocks = new TorchSharp.Modules.ModuleList<PriorBlock>();
        for (int i = 0; i < depth; i++) blocks.Add(new PriorBlock(width, heads, mlpHidden));
        ln_f = nn.LayerNorm(width, eps: 1e-5);
        RegisterComponents();
    }

    /// <summary>
    /// The sequence h (N, S, D) through the blocks and the final LayerNorm, (N, S, D). <paramref name="keep"/> (N, S)
    /// bool, or null for all true, marks the keys any later query may see (false at text padding); position i sees
    /// position j when j &lt;= i and j is kept, and always itself (<see cref="CausalMask"/>).
    /// </summary>
    public override Tensor forward(Tensor h, Tensor? keep)
    {
        using var scope = NewDisposeScope();
        var allowed = CausalMask(h.shape[1], keep, h.device);    // (N or 1, 1, S, S)
        foreach (var block in blocks) h = block.call(h, allowed);
        return ln_f.call(h).MoveToOuterDisposeScope();          // (N, S, D)
    }

    /// <summary>
    /// allowed[n, 0, i, j] = (j &lt;= i) and (keep[n, j] or i = j): the causal mask of a decoder (Vaswani et al. 2017,
    /// Sec. 3.2.3) with padding keys hidden; the diagonal stays, so a padding position attends to itself rather than to
    /// nothing. (1, 1, S, S) when <paramref name="keep"/> is null, else (N, 1, S, S).
    /// </summary>
    public static Tensor CausalMask(long length, Tensor? keep, Device device)
    {
        using var scope = NewDisposeScope();
        var causal = ones(length, length, dtype: ScalarType.Bool, device: device).tril();    // (S, S): j <= i
        if (keep is null) return causal.reshape(1, 1, length, length).MoveToOuterDisposeScope();
        var diagonal = eye(length, dtype: ScalarType.Bool, device: device);                // (S, S): i = j
        long n = keep.shape[0];
        var seen = keep.to_type(ScalarType.Bool).reshape(n, 1, 1, length).logical_or(diagonal);    // (N, 1, S, S)
        return seen.logical_and(causal).MoveToOuterDisposeScope();
    }
}
