using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs: the Diffusion Transformer of Peebles and Xie 2023 as a TorchSharp module whose
/// field names are the state-dict keys of the reference implementation (facebookresearch/DiT, models.py).
/// </summary>
internal static class TransformerEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(TransformerSpec n)
    {
        var w = new CodeWriter();
        w.Header(n.Type);
        var name = Identifier(n.Type.Name);
        bool labelled = n.IsClassConditional;

        // Summary: the declaration as a small tree.
        w.Lines(
            "/// <summary>",
            "/// The Diffusion Transformer (Peebles and Xie 2023, \"Scalable Diffusion Models with Transformers\") declared on",
            "/// " + Int(n.InputSize) + " x " + Int(n.InputSize) + " x " + Int(n.InChannels) + " inputs" + (n.Preset is null ? "" : " as " + n.Preset) + ":",
            "/// <code>",
            "/// Patchify p=" + Int(n.PatchSize) + " -> " + Int(n.Depth) + " x adaLN-Zero(width " + Int(n.Width) + ", " + Int(n.Heads) + " heads) -> FinalLayer -> Unpatchify" + (n.LearnSigma ? " (prediction + variance values)" : ""),
            "/// </code>",
            "/// " + Int(n.Tokens) + " tokens of width " + Int(n.Width) + "; timestep embedding of " + Int(n.FrequencyDim) + " frequencies; " + (labelled
                ? "class-label embedding of " + Int(n.Classes) + " classes plus the null label " + Int(n.Classes) + " (dropped with rate " + Double(n.LabelDropRate) + " by the training loss)."
                : "unconditional (no label embedding)."),
            "/// Field names are the reference implementation's state-dict keys (facebookresearch/DiT, models.py), so its",
            "/// checkpoints load. Input x (N, C, H, W) float, t (N) int64 training timesteps, y (N) int64 labels" + (labelled ? "." : " (must be null)."),
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + "?, " + Tensor + ">");

        // Constants.
        Const(w, "Height and width of the input.", "InputSize", Int(n.InputSize));
        Const(w, "Channels C of the input.", "InChannels", Int(n.InChannels));
        if (n.LearnSigma)
            Const(w, "Channels of the output: the prediction (C) then the variance values v (C) of a learned variance (learn_sigma).", "OutChannels", "2 * InChannels");
        else
            Const(w, "Channels of the output: the prediction has the input's shape.", "OutChannels", "InChannels");
        Const(w, "p, the side of a patch.", "PatchSize", Int(n.PatchSize));
        Const(w, "D, the hidden width of every token.", "Width", Int(n.Width));
        Const(w, "Number of adaLN-Zero blocks.", "Depth", Int(n.Depth));
        Const(w, "Attention heads.", "Heads", Int(n.Heads));
        Const(w, "Width of one attention head, D / heads.", "HeadDim", "Width / Heads");
        Const(w, "Hidden width of each block's MLP, (int)(D * " + Double(n.MlpRatio) + ") (MLP ratio " + Double(n.MlpRatio) + ").", "MlpHidden", Int(n.MlpHidden));
        Const(w, "Sinusoidal features of the timestep embedding (half cosines, half sines).", "FrequencyDim", Int(n.FrequencyDim));
        Const(w, "Patches per side, InputSize / p.", "GridSize", "InputSize / PatchSize");
        Const(w, "T, the number of tokens, (InputSize / p)^2.", "Tokens", "GridSize * GridSize");
        if (labelled)
        {
            Const(w, "Number of classes; labels are 0..Classes-1.", "Classes", Int(n.Classes));
            Const(w, "The null label of classifier-free guidance (Ho and Salimans 2022): the embedding table's extra row.", "NullLabel", "Classes");
            w.Line("/// <summary>p_uncond: the training loss replaces a label with <see cref=\"NullLabel\"/> with this probability.</summary>");
            w.Line("public const double LabelDropRate = " + Double(n.LabelDropRate) + ";");
            w.Line();
        }

        // Fields in call order: their names are the reference state-dict keys.
        w.Lines(
            "private readonly PatchEmbed x_embedder;",
            "private readonly " + Modules + ".Parameter pos_embed;",
            "private readonly TimestepEmbedder t_embedder;");
        if (labelled) w.Line("private readonly LabelEmbedder y_embedder;");
        w.Lines(
            "private readonly " + Modules + ".ModuleList<Block> blocks;",
            "private readonly FinalLayer final_layer;",
            "",
            "/// <summary>Builds the network with the reference initialization (adaLN-Zero: every block starts as the identity, the output at zero).</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        w.Lines(
            "x_embedder = new PatchEmbed();",
            "pos_embed = " + Nn + ".Parameter(SinCosPositionEmbedding(), requires_grad: false);",
            "t_embedder = new TimestepEmbedder();");
        if (labelled) w.Line("y_embedder = new LabelEmbedder();");
        w.Line("var stack = new Block[Depth];");
        w.Line("for (int i = 0; i < Depth; i++) stack[i] = new Block();");
        w.Lines(
            "blocks = " + Nn + ".ModuleList(stack);",
            "final_layer = new FinalLayer();",
            "RegisterComponents();",
            "InitializeWeights();");
        w.Close();
        w.Line();
        w.Line("/// <summary>The adaLN-Zero blocks in call order.</summary>");
        w.Line("public " + Modules + ".ModuleList<Block> Blocks => blocks;");
        w.Line();

        // forward
        w.Lines(
            "/// <summary>",
            "/// The model output (N, " + (n.LearnSigma ? "2C" : "C") + ", H, W) " + (n.LearnSigma ? "(the prediction, then the variance values) " : "") + "for x (N, C, H, W) at training timesteps t (N, int64)" + (labelled ? " with labels y (N, int64;" : "") + (labelled ? " <see cref=\"NullLabel\"/> for the unconditional pass)." : "; y must be null."),
            "/// </summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " t, " + Tensor + "? y)");
        if (labelled)
        {
            w.Line("if (y is null) throw new global::System.ArgumentNullException(nameof(y), \"" + n.Type.Name + " is class-conditional: pass labels (N, int64) in 0.." + Int(n.Classes - 1) + ", or NullLabel = " + Int(n.Classes) + " for the unconditional pass.\");");
        }
        else
        {
            w.Line("if (y is not null) throw new global::System.ArgumentException(\"" + n.Type.Name + " is unconditional: pass null labels.\", nameof(y));");
        }
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var h = x_embedder.call(x) + pos_embed;                   // (N, T, D): patch tokens plus the fixed position embedding",
            labelled
                ? "var c = t_embedder.call(t) + y_embedder.call(y);         // (N, D): the conditioning c = t_emb + y_emb (Sec. 3.2)"
                : "var c = t_embedder.call(t);                              // (N, D): the conditioning c = t_emb (Sec. 3.2)",
            "foreach (var block in blocks) h = block.call(h, c);      // (N, T, D)",
            "h = final_layer.call(h, c);                              // (N, T, p * p * " + (n.LearnSigma ? "2C" : "C") + ")",
            "var output = Unpatchify(h);                              // (N, " + (n.LearnSigma ? "2C" : "C") + ", H, W)",
            "return output.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        // unpatchify
        w.Lines(
            "/// <summary>(N, T, p * p * C) to (N, C, H, W): token m = i * GridSize + j fills the patch at row i, column j.</summary>",
            "private static " + Tensor + " Unpatchify(" + Tensor + " h)");
        w.Open();
        w.Lines(
            "long n = h.shape[0];",
            "var patches = h.reshape(n, GridSize, GridSize, PatchSize, PatchSize, OutChannels);    // (N, h, w, p, q, C)",
            "var ordered = patches.permute(0, 5, 1, 3, 2, 4);                                        // (N, C, h, p, w, q): einsum nhwpqc->nchpwq",
            "return ordered.reshape(n, OutChannels, GridSize * PatchSize, GridSize * PatchSize);     // (N, C, H, W)");
        w.Close();
        w.Line();

        // Position embedding
        w.Lines(
            "/// <summary>",
            "/// The fixed 2-D sine-cosine position embedding (1, T, D) of the reference get_2d_sincos_pos_embed (from MAE): for",
            "/// token m = i * GridSize + j (row i, column j) the first D / 2 features embed the column j and the last D / 2 the",
            "/// row i, each as the 1-D embedding [sin(pos omega_k), cos(pos omega_k)] with omega_k = 1 / 10000^(k / (D / 4)).",
            "/// Computed in float64.",
            "/// </summary>",
            "private static " + Tensor + " SinCosPositionEmbedding()");
        w.Open();
        w.Lines(
            "const int half = Width / 2;       // features per axis",
            "const int quarter = Width / 4;    // frequencies per axis",
            "var table = new float[Tokens * Width];",
            "for (int i = 0; i < GridSize; i++)");
        w.Open();
        w.Line("for (int j = 0; j < GridSize; j++)");
        w.Open();
        w.Line("int offset = (i * GridSize + j) * Width;");
        w.Line("for (int k = 0; k < quarter; k++)");
        w.Open();
        w.Lines(
            "double omega = 1.0 / " + Math + ".Pow(10000.0, (double)k / quarter);      // omega_k = 1 / 10000^(k / (D / 4)) (Vaswani et al. 2017, Sec. 3.5)",
            "table[offset + k] = (float)" + Math + ".Sin(j * omega);                   // column j: sin(j omega_k)",
            "table[offset + quarter + k] = (float)" + Math + ".Cos(j * omega);         // column j: cos(j omega_k)",
            "table[offset + half + k] = (float)" + Math + ".Sin(i * omega);            // row i: sin(i omega_k)",
            "table[offset + half + quarter + k] = (float)" + Math + ".Cos(i * omega);  // row i: cos(i omega_k)");
        w.Close();
        w.Close();
        w.Close();
        w.Line("return " + Torch + ".tensor(table, new long[] { 1, Tokens, Width });");
        w.Close();
        w.Line();

        // modulate
        w.Lines(
            "/// <summary>modulate(x, shift, scale) = x (1 + scale) + shift, per sample over all tokens (Peebles and Xie 2023, Sec. 3.2, adaLN).</summary>",
            "private static " + Tensor + " Modulate(" + Tensor + " x, " + Tensor + " shift, " + Tensor + " scale) =>",
            "    x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1);    // (N, T, D)",
            "");

        // InitializeWeights
        w.Lines(
            "/// <summary>The reference initialize_weights (facebookresearch/DiT, models.py), one step per comment.</summary>",
            "private void InitializeWeights()");
        w.Open();
        w.Line("using var noGrad = " + Torch + ".no_grad();");
        w.Line("// 1. Every Linear: xavier_uniform weight, zero bias (the reference _basic_init).");
        w.Line("foreach (var module in modules())");
        w.Open();
        w.Line("if (module is " + Modules + ".Linear linear)");
        w.Open();
        w.Line(Init + ".xavier_uniform_(linear.weight);");
        w.Line("if (linear.bias is { } bias) " + Init + ".zeros_(bias);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("// 2. Patch embedding: xavier_uniform on the weight viewed as a Linear (D, C p p), zero bias.");
        w.Line("using (var flat = x_embedder.proj.weight.view(x_embedder.proj.weight.shape[0], -1)) " + Init + ".xavier_uniform_(flat);");
        w.Line("if (x_embedder.proj.bias is { } patchBias) " + Init + ".zeros_(patchBias);");
        w.Line();
        if (labelled)
        {
            w.Line("// 3. Label embedding table: normal, std 0.02.");
            w.Line(Init + ".normal_(y_embedder.embedding_table.weight, 0.0, 0.02);");
            w.Line();
        }
        w.Line("// " + (labelled ? "4" : "3") + ". Timestep MLP (mlp.0 and mlp.2): weights normal, std 0.02.");
        w.Line("foreach (var (key, parameter) in t_embedder.mlp.named_parameters())");
        w.Open();
        w.Line("if (key.EndsWith(\".weight\", global::System.StringComparison.Ordinal)) " + Init + ".normal_(parameter, 0.0, 0.02);");
        w.Close();
        w.Line();
        w.Line("// " + (labelled ? "5" : "4") + ". adaLN-Zero: every block's modulation Linear (adaLN_modulation[-1]) weight and bias zero, so each block starts as the identity.");
        w.Line("foreach (var block in blocks)");
        w.Open();
        w.Line("foreach (var parameter in block.adaLN_modulation.parameters()) " + Init + ".zeros_(parameter);");
        w.Close();
        w.Line();
        w.Line("// " + (labelled ? "6" : "5") + ". Final layer: modulation and output Linear zero, so the network starts by predicting zero.");
        w.Line("foreach (var parameter in final_layer.adaLN_modulation.parameters()) " + Init + ".zeros_(parameter);");
        w.Line(Init + ".zeros_(final_layer.linear.weight);");
        w.Line("if (final_layer.linear.bias is { } finalBias) " + Init + ".zeros_(finalBias);");
        w.Close();
        w.Line();

        EmitPatchEmbed(w);
        EmitTimestepEmbedder(w);
        if (labelled) EmitLabelEmbedder(w);
        EmitAttention(w);
        EmitMlp(w);
        EmitBlock(w);
        EmitFinalLayer(w);
        w.Close();
        yield return (n.Type.HintName("Network"), w.ToString());
    }

    private static void Const(CodeWriter w, string doc, string name, string value)
    {
        w.Line("/// <summary>" + doc + "</summary>");
        w.Line("public const int " + name + " = " + value + ";");
        w.Line();
    }

    private static void ModuleHeader(CodeWriter w, string summary, string declaration)
    {
        w.Line("/// <summary>" + summary + "</summary>");
        w.GeneratedCode();
        w.Open(declaration);
    }

    private static void EmitPatchEmbed(CodeWriter w)
    {
        ModuleHeader(w, "Patchify (Sec. 3.2): a p x p, stride p convolution projects each patch to D features (timm PatchEmbed).",
            "internal sealed class PatchEmbed : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Conv2d proj;");
        w.Line();
        w.Open("public PatchEmbed() : base(nameof(PatchEmbed))");
        w.Line("proj = " + Nn + ".Conv2d(InChannels, Width, kernel_size: PatchSize, stride: PatchSize, bias: true);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var patches = proj.call(x);                         // (N, D, H / p, W / p)",
            "var tokens = patches.flatten(2).transpose(1, 2);    // (N, T, D)",
            "return tokens.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitTimestepEmbedder(CodeWriter w)
    {
        ModuleHeader(w, "Timestep embedding (Sec. 3.2): FrequencyDim sinusoidal features of t, then Linear, SiLU, Linear.",
            "internal sealed class TimestepEmbedder : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Sequential mlp;");
        w.Line();
        w.Open("public TimestepEmbedder() : base(nameof(TimestepEmbedder))");
        w.Line("mlp = " + Nn + ".Sequential(" + Nn + ".Linear(FrequencyDim, Width), " + Nn + ".SiLU(), " + Nn + ".Linear(Width, Width));");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " t)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "const int half = FrequencyDim / 2;",
            "// freqs_k = exp(-ln(10000) k / half), k = 0..half-1 (Vaswani et al. 2017, Sec. 3.5; reference timestep_embedding)",
            "var freqs = " + Torch + ".exp(" + Torch + ".arange(0, half, dtype: " + Float32 + ", device: t.device) * (-" + Math + ".Log(10000.0) / half));    // (half)",
            "var args = t.to(" + Float32 + ").unsqueeze(1) * freqs.unsqueeze(0);    // (N, half)",
            "var features = " + Torch + ".cat(new[] { " + Torch + ".cos(args), " + Torch + ".sin(args) }, 1);    // (N, FrequencyDim): cos first, as the reference",
            "var embedding = mlp.call(features);    // (N, D)",
            "return embedding.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitLabelEmbedder(CodeWriter w)
    {
        ModuleHeader(w, "Label embedding (Sec. 3.2): Classes + 1 rows, the last being the null label. Deterministic: the training loss does the label dropout.",
            "internal sealed class LabelEmbedder : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Embedding embedding_table;");
        w.Line();
        w.Open("public LabelEmbedder() : base(nameof(LabelEmbedder))");
        w.Line("embedding_table = " + Nn + ".Embedding(Classes + 1, Width);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Line("public override " + Tensor + " forward(" + Tensor + " y) => embedding_table.call(y);    // (N, D)");
        w.Close();
        w.Line();
    }

    private static void EmitAttention(CodeWriter w)
    {
        ModuleHeader(w, "Multi-head self-attention (Vaswani et al. 2017; timm Attention): qkv projection, scaled dot-product attention, output projection.",
            "internal sealed class Attention : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Linear qkv;");
        w.Line("internal readonly " + Modules + ".Linear proj;");
        w.Line();
        w.Open("public Attention() : base(nameof(Attention))");
        w.Line("qkv = " + Nn + ".Linear(Width, 3 * Width);");
        w.Line("proj = " + Nn + ".Linear(Width, Width);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "long n = x.shape[0], tokens = x.shape[1];",
            "var heads = qkv.call(x).reshape(n, tokens, 3, Heads, HeadDim).permute(2, 0, 3, 1, 4);    // (3, N, heads, T, D / heads)",
            "// softmax(q k^T / sqrt(D / heads)) v (Vaswani et al. 2017, Eq. 1)",
            "var attended = " + Functional + ".scaled_dot_product_attention(heads[0], heads[1], heads[2]);    // (N, heads, T, D / heads)",
            "var merged = attended.transpose(1, 2).reshape(n, tokens, Width);    // (N, T, D)",
            "return proj.call(merged).MoveToOuterDisposeScope();    // (N, T, D)");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitMlp(CodeWriter w)
    {
        ModuleHeader(w, "The block's MLP (timm Mlp): Linear, GELU (tanh approximation), Linear.",
            "internal sealed class Mlp : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Linear fc1;");
        w.Line("internal readonly " + Modules + ".Linear fc2;");
        w.Line();
        w.Open("public Mlp() : base(nameof(Mlp))");
        w.Line("fc1 = " + Nn + ".Linear(Width, MlpHidden);");
        w.Line("fc2 = " + Nn + ".Linear(MlpHidden, Width);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var hidden = " + Functional + ".gelu(fc1.call(x), " + Modules + ".GELU.Approximate.tanh);    // (N, T, MlpHidden)",
            "return fc2.call(hidden).MoveToOuterDisposeScope();    // (N, T, D)");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitBlock(CodeWriter w)
    {
        ModuleHeader(w, "An adaLN-Zero block (Sec. 3.2): LayerNorm without affine weights, modulated by shift, scale and a residual gate regressed from c.",
            "public sealed class Block : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + ">");
        w.Lines(
            "internal readonly " + Modules + ".LayerNorm norm1;",
            "internal readonly Attention attn;",
            "internal readonly " + Modules + ".LayerNorm norm2;",
            "internal readonly Mlp mlp;",
            "internal readonly " + Modules + ".Sequential adaLN_modulation;",
            "",
            "/// <summary>Builds a block; the network's initialization zeroes its modulation, making it the identity.</summary>");
        w.Open("public Block() : base(nameof(Block))");
        w.Lines(
            "norm1 = " + Nn + ".LayerNorm(Width, eps: 1e-6, elementwise_affine: false);",
            "attn = new Attention();",
            "norm2 = " + Nn + ".LayerNorm(Width, eps: 1e-6, elementwise_affine: false);",
            "mlp = new Mlp();",
            "adaLN_modulation = " + Nn + ".Sequential(" + Nn + ".SiLU(), " + Nn + ".Linear(Width, 6 * Width));",
            "RegisterComponents();");
        w.Close();
        w.Line();
        w.Line("/// <summary>x (N, T, D) conditioned on c (N, D).</summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " c)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var m = adaLN_modulation.call(c).chunk(6, 1);    // 6 x (N, D): shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp",
            "// x = x + gate_msa Attention(modulate(LN(x), shift_msa, scale_msa))",
            "x = x + m[2].unsqueeze(1) * attn.call(Modulate(norm1.call(x), m[0], m[1]));    // (N, T, D)",
            "// x = x + gate_mlp MLP(modulate(LN(x), shift_mlp, scale_mlp))",
            "x = x + m[5].unsqueeze(1) * mlp.call(Modulate(norm2.call(x), m[3], m[4]));    // (N, T, D)",
            "return x.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitFinalLayer(CodeWriter w)
    {
        ModuleHeader(w, "The final layer (Sec. 3.2): adaLN (shift, scale) then a Linear to p * p * C values per token.",
            "internal sealed class FinalLayer : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + ">");
        w.Lines(
            "internal readonly " + Modules + ".LayerNorm norm_final;",
            "internal readonly " + Modules + ".Linear linear;",
            "internal readonly " + Modules + ".Sequential adaLN_modulation;",
            "");
        w.Open("public FinalLayer() : base(nameof(FinalLayer))");
        w.Lines(
            "norm_final = " + Nn + ".LayerNorm(Width, eps: 1e-6, elementwise_affine: false);",
            "linear = " + Nn + ".Linear(Width, PatchSize * PatchSize * OutChannels);",
            "adaLN_modulation = " + Nn + ".Sequential(" + Nn + ".SiLU(), " + Nn + ".Linear(Width, 2 * Width));",
            "RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " c)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var m = adaLN_modulation.call(c).chunk(2, 1);    // 2 x (N, D): shift, scale",
            "var modulated = Modulate(norm_final.call(x), m[0], m[1]);    // (N, T, D)",
            "return linear.call(modulated).MoveToOuterDisposeScope();    // (N, T, p * p * C)");
        w.Close();
        w.Close();
    }
}
