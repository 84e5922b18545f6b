using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs of a [DiffusionPrior]: unCLIP's diffusion prior (Ramesh et al. 2022, Sec. 2.1)
/// as a TorchSharp module. The file shows what the declaration decides: the constants, the fields in call order, the
/// token sequence the forward pass builds, and the initialisation; the causal transformer itself is the runtime's
/// PriorTransformer. The forward takes what a text-conditioned DiT takes, so the model's loss, samplers and Text file
/// are the same.
/// </summary>
internal static class PriorEmitter
{
    private const int CommentColumn = 60;

    public static IEnumerable<(string HintName, string Source)> Emit(PriorSpec n)
    {
        var text = n.TextConditioning;
        bool tokens = n.TextTokens;
        string A(string alias) => n.Shadowed.Contains(alias) ? PriorAliases.All.First(a => a.Name == alias).Target : alias;
        string tensor = A("Tensor"), torch = A("torch");
        var w = new CodeWriter();
        w.Header(n.Type);
        bool lowerCase = !n.Shadowed.Contains("torch");
        if (lowerCase) w.Line("#pragma warning disable CS8981 // the alias torch is named as in PyTorch, not a type of its own");
        foreach (var alias in PriorAliases.All.Where(a => !n.Shadowed.Contains(a.Name))) w.Line("using " + alias.Name + " = " + alias.Target + ";");
        if (lowerCase) w.Line("#pragma warning restore CS8981");
        w.Line();

        long parameters = ParameterCount(n);
        var outC = n.LearnSigma ? "2 D_z" : "D_z";
        var sequence = (tokens ? Int(text.MaxTokens) + " text tokens, " : "") + "pooled text, timestep, z_t, query";
        w.Lines(
            "/// <summary>",
            "/// unCLIP's diffusion prior (Ramesh et al. 2022, \"Hierarchical Text-Conditional Image Generation with CLIP Latents\",",
            "/// Sec. 2.1), generating image embeddings of " + Int(n.EmbeddingDim) + " values from text, "
                + parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " parameters:",
            "/// <code>",
            "/// [" + sequence + "] -> " + Int(n.Depth) + " x pre-LN causal block(width " + Int(n.Width) + ", " + Int(n.Heads) + " heads)",
            "///     -> LayerNorm -> Linear at the query -> " + (n.LearnSigma ? "(z_0_hat, variance values)" : "z_0_hat"),
            "/// </code>",
            "/// A sample is an image embedding of shape (" + Int(n.EmbeddingDim) + ", 1, 1). The text: the pooled embedding (" + Int(text.PooledDim) + ")"
                + (tokens ? "\n/// and the token states (" + Int(text.TokenDim) + ", at most " + Int(text.MaxTokens) + ", padding masked)." : "."),
            "/// The learned null embedding replaces it at rate " + Double(text.DropRate) + " in training (classifier-free guidance, Ho and Salimans 2022).",
            "/// </summary>");
        w.GeneratedCode();
        var name = Identifier(n.Type.Name);
        w.Open("partial class " + name + " : " + torch + ".nn.Module<" + tensor + ", " + tensor + ", " + tensor + "?, "
            + A("TextConditioning") + ", " + tensor + ">");

        var constants = new List<(string Type, string Name, string Value, string Doc)>
        {
            ("int", "EmbeddingDim", Int(n.EmbeddingDim), "D_z, the width of the image embedding."),
            ("int", "InputSize", "1", "Height and width of a sample: an embedding is (EmbeddingDim, 1, 1)."),
            ("int", "InChannels", "EmbeddingDim", "Channels of a sample: the embedding's D_z values."),
            n.LearnSigma
                ? ("int", "OutChannels", "2 * InChannels", "Output channels: the prediction (D_z), then the variance values (D_z).")
                : ("int", "OutChannels", "InChannels", "Output channels: the prediction has the embedding's shape."),
            ("int", "Width", Int(n.Width), "W, the width of every token."),
            ("int", "Depth", Int(n.Depth), "Number of transformer blocks."),
            ("int", "Heads", Int(n.Heads), "Attention heads."),
            ("int", "MlpHidden", Int(n.MlpHidden), "Hidden width of each block's MLP, (int)(W * " + Double(n.MlpRatio) + ")."),
            ("int", "FrequencyDim", Int(n.FrequencyDim), "Sinusoidal features of the timestep embedding (half cosines, half sines)."),
            ("int", "PooledDim", Int(text.PooledDim), "Width of the text encoder's pooled embedding."),
            ("int", "TokenDim", Int(text.TokenDim), "Width of the text encoder's token states."),
            ("int", "MaxTokens", Int(text.MaxTokens), "L_max: the most tokens a text brings, the null token sequence's length."),
            ("bool", "TextTokens", tokens ? "true" : "false", "Whether the text's token states are tokens of the sequence."),
            ("double", "TextDropRate", Double(text.DropRate), "p_uncond: the training loss replaces a caption with the null embedding with this probability."),
            ("int", "SequenceLength", tokens ? "MaxTokens + 4" : "4",
                "S, the tokens of the sequence: " + (tokens ? "L_max text tokens, " : "") + "pooled text, timestep, z_t, query."),
        };
        foreach (var (type, constant, value, doc) in constants)
        {
            w.Line("/// <summary>" + doc + "</summary>");
            w.Line("public const " + type + " " + constant + " = " + value + ";");
            w.Line();
        }
        w.Line("/// <summary>Scalar parameters.</summary>");
        w.Line("public const long ParameterCount = " + parameters.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
        w.Line();

        // Fields in call order.
        var fields = new List<(string Name, string Type, string Construction, string Doc)>
        {
            ("text_embedder", A("TextEmbedder"), "new " + A("TextEmbedder") + "(PooledDim, Width, TokenDim, MaxTokens, TextTokens)",
                "The pooled text embedding's Linear, SiLU, Linear to W, and the learned null embedding."),
        };
        if (tokens) fields.Add(("token_proj", A("Linear"), torch + ".nn.Linear(TokenDim, Width)", "The text's token states projected to W."));
        fields.AddRange(new[]
        {
            ("t_embedder", A("TimestepEmbedder"), "new " + A("TimestepEmbedder") + "(FrequencyDim, Width)",
                "Sinusoidal timestep features, then Linear, SiLU, Linear."),
            ("x_proj", A("Linear"), torch + ".nn.Linear(EmbeddingDim, Width)", "The noised image embedding z_t projected to W."),
            ("query", A("Parameter"), torch + ".nn.Parameter(" + torch + ".zeros(1, 1, Width))", "The final learned query (1, 1, W)."),
            ("pos_embed", A("Parameter"), torch + ".nn.Parameter(" + torch + ".zeros(1, SequenceLength, Width))",
                "The learned position embedding (1, S, W)."),
            ("transformer", A("PriorTransformer"), "new " + A("PriorTransformer") + "(Depth, Width, Heads, MlpHidden)",
                "The pre-LN blocks under the causal mask, then the final LayerNorm."),
            ("out_proj", A("Linear"), torch + ".nn.Linear(Width, OutChannels)", "The query's output to the prediction."),
        });
        foreach (var (field, type, _, doc) in fields)
        {
            w.Line("/// <summary>" + doc + "</summary>");
            w.Line("private readonly " + type + " " + field + ";");
            w.Line();
        }

        w.Line("/// <summary>Builds the prior with GPT-2's initialisation (Radford et al. 2019), as nanoGPT writes it.</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        foreach (var (field, _, construction, _) in fields) w.Line(field + " = " + construction + ";");
        w.Line("RegisterComponents();");
        w.Line("InitializeWeights();");
        w.Close();
        w.Line();

        // forward
        w.Lines(
            "/// <summary>",
            "/// The output (N, " + outC + ", 1, 1) for noised image embeddings x (N, D_z, 1, 1) at training timesteps t (N, int64)",
            "/// and the texts' pooled embeddings (N, PooledDim), token states (N, L, TokenDim) and mask (N, L), L at most",
            "/// MaxTokens, with the rows dropped to the learned null embedding. y must be null: the condition is the text.",
            "/// </summary>");
        w.Open("public override " + tensor + " forward(" + tensor + " x, " + tensor + " t, " + tensor + "? y, " + A("TextConditioning") + " text)");
        w.Lines(
            "if (y is not null)",
            "    throw new global::System.ArgumentException(\"" + n.Type.Name + " takes text: pass null labels.\", nameof(y));",
            "if (text is null) throw new global::System.ArgumentNullException(nameof(text));",
            "using var scope = " + torch + ".NewDisposeScope();");
        Commented(w, "using " + A("Scalar") + " one = 1;", "alpha of the addition, disposed here");
        Commented(w, "long n = x.shape[0];", "N");
        Commented(w, "var caption = text_embedder.Substitute(text);", "null embedding where dropped (Ho and Salimans 2022)");
        var parts = new List<string>();
        if (tokens)
        {
            Commented(w, "var words = token_proj.call(caption.Tokens);", "(N, L_max, W): the text's tokens");
            parts.Add("words");
        }
        Commented(w, "var pooled = text_embedder.call(caption.Pooled).unsqueeze(1);", "(N, 1, W): the text embedding's token");
        Commented(w, "var time = t_embedder.call(t).unsqueeze(1);", "(N, 1, W): the timestep's token");
        Commented(w, "var noised = x_proj.call(x.reshape(n, EmbeddingDim)).unsqueeze(1);", "(N, 1, W): z_t's token");
        Commented(w, "var last = query.expand(n, 1, Width);", "(N, 1, W): the final query");
        parts.AddRange(new[] { "pooled", "time", "noised", "last" });
        Commented(w, "var sequence = " + torch + ".cat(new[] { " + string.Join(", ", parts) + " }, 1);",
            "(N, S, W): Ramesh et al. 2022, Sec. 2.1");
        Commented(w, "var h = sequence.add(pos_embed, one);", "(N, S, W): plus the positions");
        if (tokens)
        {
            Commented(w, "var fixedTokens = " + torch + ".ones(n, 4, dtype: " + torch + ".ScalarType.Bool, device: x.device);", "(N, 4)");
            Commented(w, "var keep = " + torch + ".cat(new[] { caption.Mask, fixedTokens }, 1);", "(N, S): text padding hidden");
            Commented(w, "h = transformer.call(h, keep);", "(N, S, W): causal, then LayerNorm");
        }
        else
        {
            Commented(w, "h = transformer.call(h, null);", "(N, S, W): causal, then LayerNorm");
        }
        Commented(w, "var output = out_proj.call(h.select(1, -1)).reshape(n, OutChannels, 1, 1);",
            "(N, " + outC + ", 1, 1): the output at the query (Ramesh et al. 2022, Sec. 2.1)");
        w.Line("return output.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        string init = torch + ".nn.init";
        w.Line("/// <summary>GPT-2's initialisation (Radford et al. 2019) as nanoGPT writes it, then the text embedder's.</summary>");
        w.Open("private void InitializeWeights()");
        w.Lines(
            "using var noGrad = " + torch + ".no_grad();",
            "// 1. Every Linear: weight normal with std 0.02, bias zero; LayerNorms stay at weight one, bias zero.",
            "foreach (var module in modules())",
            "{",
            "    if (module is not " + A("Linear") + " linear) continue;",
            "    " + init + ".normal_(linear.weight, 0.0, 0.02);",
            "    if (linear.bias is { } bias) " + init + ".zeros_(bias);",
            "}",
            "",
            "// 2. The position embedding and the query: normal, std 0.02 (nanoGPT's wpe).",
            init + ".normal_(pos_embed, 0.0, 0.02);",
            init + ".normal_(query, 0.0, 0.02);",
            "",
            "// 3. Text embedder: projection weights normal, std 0.02; null embeddings std 1 / sqrt(width) (PixArt-alpha).",
            "text_embedder.InitializeWeights();");
        w.Close();
        w.Close();
        yield return (n.Type.HintName("Network"), w.ToString());
    }

    /// <summary>A prior's own entries of ModelDescription.Network: the "prior" marker, then the transformer's sizes.</summary>
    public static void DescriptionEntries(CodeWriter w, PriorSpec n, string network, string indent)
    {
        w.Lines(
            indent + "[\"prior\"] = 1,",
            indent + "[\"width\"] = " + network + ".Width,",
            indent + "[\"depth\"] = " + network + ".Depth,",
            indent + "[\"heads\"] = " + network + ".Heads,",
            indent + "[\"mlp_ratio\"] = " + Double(n.MlpRatio) + ",",
            indent + "[\"frequency_dim\"] = " + network + ".FrequencyDim,",
            indent + "[\"text_tokens\"] = " + (n.TextTokens ? "1" : "0") + ",");
    }

    /// <summary>Scalar parameters of the fields in <see cref="Emit"/>'s order.</summary>
    private static long ParameterCount(PriorSpec n)
    {
        var text = n.TextConditioning;
        long w = n.Width, hidden = n.MlpHidden, dp = text.PooledDim, dt = text.TokenDim, lmax = text.MaxTokens;
        long textEmbedder = dp * w + w + w * w + w + dp + (n.TextTokens ? lmax * dt : 0);
        long tokenProj = n.TextTokens ? dt * w + w : 0;
        long timestep = n.FrequencyDim * w + w + w * w + w;
        long xProj = (long)n.EmbeddingDim * w + w;
        long block = 2 * w + (w * 3 * w + 3 * w) + (w * w + w) + 2 * w + (w * hidden + hidden) + (hidden * w + w);
        long transformer = n.Depth * block + 2 * w;
        long outProj = w * n.OutChannels + n.OutChannels;
        return textEmbedder + tokenProj + timestep + xProj + w + (long)n.SequenceLength * w + transformer + outProj;
    }

    /// <summary><paramref name="code"/> with <paramref name="comment"/> beside it, or above it past 120 columns.</summary>
    private static void Commented(CodeWriter w, string code, string comment)
    {
        int column = System.Math.Max(CommentColumn, code.Length + 4);
        if (8 + column + 3 + comment.Length <= MaxLine)
        {
            w.Line(code.PadRight(column) + "// " + comment);
            return;
        }
        w.Line("// " + comment);
        w.Line(code);
    }
}
