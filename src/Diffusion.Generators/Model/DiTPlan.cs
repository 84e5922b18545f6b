using System.Collections.Generic;
using System.Linq;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Model;

/// <summary>
/// Everything a declared Diffusion Transformer (Peebles and Xie 2023) is made of, computed once from its spec: the
/// constants, the fields in call order (names are the reference state-dict keys, each with its parameter count), the
/// forward pass line by line with shapes, the initialisation steps and the one-line tree of the description. The
/// emitter only prints projections of it, so the fields, the forward pass and the counts cannot disagree.
/// </summary>
/// <param name="Spec">The declaration.</param>
/// <param name="Constants">Public constants in dependency order.</param>
/// <param name="Fields">Submodules and parameters in call order.</param>
/// <param name="Forward">The forward pass after the argument check.</param>
/// <param name="Initialization">The reference initialize_weights, in its order (the order of the random draws).</param>
/// <param name="Tree">The architecture as a one-line tree.</param>
internal sealed record DiTPlan(
    TransformerSpec Spec,
    EquatableArray<PlanConstant> Constants,
    EquatableArray<PlanField> Fields,
    EquatableArray<PlanLine> Forward,
    EquatableArray<PlanStep> Initialization,
    string Tree)
{
    /// <summary>Scalar parameters of the whole network, the sum over <see cref="Fields"/>.</summary>
    public long ParameterCount => Fields.Sum(f => f.Parameters);

    /// <summary>The plan of <paramref name="n"/>; names the spec lists as shadowed are written in full.</summary>
    public static DiTPlan Of(TransformerSpec n)
    {
        string A(string alias) => n.Shadowed.Contains(alias) ? DiTAliases.WithText.First(a => a.Name == alias).Target : alias;
        bool labelled = n.IsClassConditional;
        string outC = n.LearnSigma ? "2C" : "C";
        long d = n.Width, p = n.PatchSize, c = n.InChannels, co = n.OutChannels, hidden = n.MlpHidden;
        long low = n.LowResolutionChannels;
        bool conditioned = low > 0;    // a super-resolution stage's network (Ho et al. 2021, Sec. 3)
        var text = n.Text;             // a text-conditioned network (Saharia et al. 2022, Sec. 2)
        bool cross = text is { CrossAttention: true };
        long dp = text?.PooledDim ?? 0, dt = text?.TokenDim ?? 0, lmax = text?.MaxTokens ?? 0;

        var constants = new List<PlanConstant>
        {
            new("int", "InputSize", Int(n.InputSize), "Height and width of the input."),
            new("int", "InChannels", Int(n.InChannels), "Channels C of the input."),
        };
        if (conditioned)
        {
            constants.Add(new("int", "LowResolutionChannels", Int(n.LowResolutionChannels),
                "Channels of the upsampled low-resolution image beside x_t (Ho et al. 2021, Sec. 3)."));
        }
        constants.AddRange(new PlanConstant[]
        {
            n.LearnSigma
                ? new("int", "OutChannels", "2 * InChannels", "Output channels: the prediction (C), then the variance values (C).")
                : new("int", "OutChannels", "InChannels", "Output channels: the prediction has the input's shape."),
            new("int", "PatchSize", Int(n.PatchSize), "p, the side of a patch."),
            new("int", "Width", Int(n.Width), "D, the hidden width of every token."),
            new("int", "Depth", Int(n.Depth), "Number of adaLN-Zero blocks."),
            new("int", "Heads", Int(n.Heads), "Attention heads."),
            new("int", "HeadDim", "Width / Heads", "Width of one attention head, D / heads."),
            new("int", "MlpHidden", Int(n.MlpHidden), "Hidden width of each block's MLP, (int)(D * " + Double(n.MlpRatio) + "), MLP ratio " + Double(n.MlpRatio) + "."),
            new("int", "FrequencyDim", Int(n.FrequencyDim), "Sinusoidal features of the timestep embedding (half cosines, half sines)."),
            new("int", "GridSize", "InputSize / PatchSize", "Patches per side, InputSize / p."),
            new("int", "Tokens", "GridSize * GridSize", "T, the number of tokens, (InputSize / p)^2."),
        });
        if (labelled)
        {
            constants.Add(new("int", "Classes", Int(n.Classes), "Number of classes; labels are 0..Classes-1."));
            constants.Add(new("int", "NullLabel", "Classes", "The null label of classifier-free guidance (Ho and Salimans 2022): the table's extra row."));
            constants.Add(new("double", "LabelDropRate", Double(n.LabelDropRate), "p_uncond: the training loss replaces a label with NullLabel with this probability."));
        }
        if (text is not null)
        {
            constants.Add(new("int", "PooledDim", Int(text.PooledDim), "Width of the text encoder's pooled embedding."));
            constants.Add(new("int", "TokenDim", Int(text.TokenDim), "Width of the text encoder's token states."));
            constants.Add(new("int", "MaxTokens", Int(text.MaxTokens), "L_max: the most tokens a text brings, the null token sequence's length."));
            constants.Add(new("bool", "CrossAttention", text.CrossAttention ? "true" : "false",
                "Whether every block cross-attends over the token states (Chen et al. 2023, PixArt-alpha)."));
            constants.Add(new("double", "TextDropRate", Double(text.DropRate),
                "p_uncond: the training loss replaces a caption with the null embedding with this probability."));
        }

        // Fields in call order; the counts are the reference module's parameters.
        var fields = new List<PlanField>
        {
            conditioned
                ? new("x_embedder", A("PatchEmbed"), "new " + A("PatchEmbed") + "(InChannels + LowResolutionChannels, Width, PatchSize)",
                    d * (c + low) * p * p + d, "Patchify x_t and the low-resolution image: a p x p, stride p convolution to D features.")
                : new("x_embedder", A("PatchEmbed"), "new " + A("PatchEmbed") + "(InChannels, Width, PatchSize)", d * c * p * p + d,
                    "Patchify: a p x p, stride p convolution to D features per patch."),
            new("pos_embed", A("Parameter"),
                A("torch") + ".nn.Parameter(" + A("PositionEmbedding") + ".SinCos2d(GridSize, Width), requires_grad: false)",
                (long)n.Tokens * d, "The fixed 2-D sine-cosine position embedding (1, T, D), not trained."),
            new("t_embedder", A("TimestepEmbedder"), "new " + A("TimestepEmbedder") + "(FrequencyDim, Width)",
                n.FrequencyDim * d + d + d * d + d, "Sinusoidal timestep features, then Linear, SiLU, Linear."),
        };
        if (conditioned)
        {
            fields.Add(new("aug_embedder", A("TimestepEmbedder"), "new " + A("TimestepEmbedder") + "(FrequencyDim, Width)",
                n.FrequencyDim * d + d + d * d + d, "The augmentation level s embedded as a second timestep (Ho et al. 2021, Sec. 4.1)."));
        }
        if (labelled)
        {
            fields.Add(new("y_embedder", A("LabelEmbedder"), "new " + A("LabelEmbedder") + "(Classes, Width, LabelDropRate)",
                (n.Classes + 1L) * d, "The label table, Classes + 1 rows (the last is the null label)."));
        }
        if (text is not null)
        {
            fields.Add(new("text_embedder", A("TextEmbedder"),
                "new " + A("TextEmbedder") + "(PooledDim, Width, TokenDim, MaxTokens, CrossAttention)",
                dp * d + d + d * d + d + dp + (cross ? lmax * dt : 0),
                "The pooled text embedding's Linear, SiLU, Linear to D, and the learned null embedding."));
        }
        long perBlock = (d * 3 * d + 3 * d) + (d * d + d) + (d * hidden + hidden) + (hidden * d + d) + (d * 6 * d + 6 * d);
        if (cross) perBlock += (d * d + d) + (dt * 2 * d + 2 * d) + (d * d + d);    // cross_attn: q_linear, kv_linear, proj
        fields.Add(cross
            ? new("blocks", "global::TorchSharp.Modules.ModuleList<" + A("DiTBlock") + ">",
                A("DiTBlock") + ".Stack(Depth, Width, Heads, MlpHidden, TokenDim)", n.Depth * perBlock,
                "The adaLN-Zero blocks: attention and MLP modulated by c, cross-attention over text between.")
            : new("blocks", "global::TorchSharp.Modules.ModuleList<" + A("DiTBlock") + ">",
                A("DiTBlock") + ".Stack(Depth, Width, Heads, MlpHidden)", n.Depth * perBlock,
                "The adaLN-Zero blocks: attention and MLP modulated by c."));
        fields.Add(new("final_layer", A("FinalLayer"), "new " + A("FinalLayer") + "(Width, PatchSize, OutChannels)",
            d * p * p * co + p * p * co + d * 2 * d + 2 * d, "adaLN, then a Linear to p * p * OutChannels values per token."));

        // The forward pass of the reference DiT.forward, one line per statement.
        var forward = new List<PlanLine>
        {
            new("using " + A("Scalar") + " one = 1;", "alpha of the additions", "disposed here, where + would leave it to the finalizer"),
        };
        if (conditioned)
        {
            forward.Add(new("var input = " + A("torch") + ".cat(new[] { x, lowResolution }, 1);", "(N, C + C_low, H, W)",
                "x_t and the upsampled low-resolution image on channels (Ho et al. 2021, Sec. 3)"));
            forward.Add(new("var h = x_embedder.call(input).add(pos_embed, one);", "(N, T, D)", "patch tokens plus their positions"));
            forward.Add(labelled
                ? new("var c = t_embedder.call(t).add(aug_embedder.call(level), one).add(y_embedder.call(y), one);", "(N, D)",
                    "c = t_emb + s_emb + y_emb (Peebles and Xie 2023, Sec. 3.2; s: Ho et al. 2021, Sec. 4.1)")
                : new("var c = t_embedder.call(t).add(aug_embedder.call(level), one);", "(N, D)",
                    "c = t_emb + s_emb (Peebles and Xie 2023, Sec. 3.2; s: Ho et al. 2021, Sec. 4.1)"));
        }
        else if (text is not null)
        {
            forward.Add(new("var h = x_embedder.call(x).add(pos_embed, one);", "(N, T, D)", "patch tokens plus their positions"));
            forward.Add(new("var caption = text_embedder.Substitute(text);", "(N, D_pooled), (N, L_max, D_token)",
                "the null embedding where dropped (Ho and Salimans 2022)"));
            forward.Add(new("var c = t_embedder.call(t).add(text_embedder.call(caption.Pooled), one);", "(N, D)",
                "c = t_emb + MLP(pooled text) (Saharia et al. 2022, Sec. 2)"));
        }
        else
        {
            forward.Add(new("var h = x_embedder.call(x).add(pos_embed, one);", "(N, T, D)", "patch tokens plus their positions"));
            forward.Add(labelled
                ? new("var c = t_embedder.call(t).add(y_embedder.call(y), one);", "(N, D)", "c = t_emb + y_emb (Peebles and Xie 2023, Sec. 3.2)")
                : new("var c = t_embedder.call(t);", "(N, D)", "c = t_emb (Peebles and Xie 2023, Sec. 3.2)"));
        }
        forward.Add(cross
            ? new("foreach (var block in blocks) h = block.forward(h, c, caption.Tokens, caption.Mask);", "(N, T, D)",
                "cross-attention over the tokens (Chen et al. 2023)")
            : new("foreach (var block in blocks) h = block.call(h, c);", "(N, T, D)", ""));
        forward.AddRange(new PlanLine[]
        {
            new("h = final_layer.call(h, c);", "(N, T, p * p * " + outC + ")", ""),
            new("var output = " + A("Patches") + ".Unpatchify(h, GridSize, PatchSize, OutChannels);", "(N, " + outC + ", H, W)", ""),
        });

        // The reference initialize_weights, in its order, which is the order of the random draws.
        string init = A("torch") + ".nn.init";
        var steps = new List<PlanStep>
        {
            new("Every Linear: xavier_uniform weight, zero bias (the reference _basic_init).", Code(
                "foreach (var module in modules())",
                "{",
                "    if (module is not " + A("Linear") + " linear) continue;",
                "    " + init + ".xavier_uniform_(linear.weight);",
                "    if (linear.bias is { } bias) " + init + ".zeros_(bias);",
                "}")),
            new("Patch embedding: xavier_uniform on the weight viewed as a Linear (D, C p p), zero bias.",
                Code("x_embedder.InitializeAsLinear();")),
        };
        if (labelled) steps.Add(new("Label embedding table: normal, std 0.02.", Code("y_embedder.InitializeWeights();")));
        steps.Add(new("Timestep MLP (mlp.0 and mlp.2): weights normal, std 0.02.", Code("t_embedder.InitializeWeights();")));
        if (text is not null)
        {
            steps.Add(new("Text embedder: projection weights normal, std 0.02; null embeddings std 1 / sqrt(width) (PixArt-alpha).",
                Code("text_embedder.InitializeWeights();")));
        }
        if (conditioned)
        {
            steps.Add(new("Augmentation-level MLP: weights normal, std 0.02, as the timestep's.", Code("aug_embedder.InitializeWeights();")));
        }
        steps.Add(new("adaLN-Zero: each block's modulation Linear is zero, so each block starts as the identity.",
            Code("foreach (var block in blocks) block.ZeroModulation();")));
        if (cross)
        {
            steps.Add(new("Cross-attention output projections zero (PixArt-alpha), so each block starts as without them.",
                Code("foreach (var block in blocks) block.ZeroCrossAttention();")));
        }
        steps.Add(new("Final layer: modulation and output Linear zero, so the network starts by predicting zero.",
            Code("final_layer.ZeroOutput();")));

        string tree = (conditioned ? "concat(x_t, upsampled low-res) -> " : "") + "Patchify p=" + Int(n.PatchSize) + " -> " + Int(n.Depth) + " x adaLN-Zero(width " + Int(n.Width) + ", "
            + Int(n.Heads) + " heads" + (cross ? ", cross-attention over text" : "") + ") -> FinalLayer -> Unpatchify" + (n.LearnSigma ? " (prediction + variance values)" : "");

        return new DiTPlan(n, new EquatableArray<PlanConstant>(constants), new EquatableArray<PlanField>(fields),
            new EquatableArray<PlanLine>(forward), new EquatableArray<PlanStep>(steps), tree);
    }

    private static EquatableArray<string> Code(params string[] lines) => new(lines);
}
