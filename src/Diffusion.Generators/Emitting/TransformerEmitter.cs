using System.Collections.Generic;
using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs: the Diffusion Transformer of Peebles and Xie 2023 as a TorchSharp module,
/// printed from its <see cref="DiTPlan"/>. Only what the declaration decides is written here (constants, fields in
/// call order, the forward pass, the initialisation order); the blocks are Diffusion.Runtime.Networks modules with the
/// reference state-dict names (facebookresearch/DiT, models.py), so a reader goes to their definition for the math.
/// </summary>
internal static class TransformerEmitter
{
    /// <summary>Column of the shape comments, and the width past which a comment moves above its line.</summary>
    private const int CommentColumn = 60;
    private const int MaxLine = 120;

    public static IEnumerable<(string HintName, string Source)> Emit(TransformerSpec n)
    {
        var plan = DiTPlan.Of(n);
        var w = new CodeWriter();
        w.Header(n.Type);
        bool lowerCase = !n.Shadowed.Contains("torch");
        if (lowerCase) w.Line("#pragma warning disable CS8981 // the alias torch is named as in PyTorch, not a type of its own");
        var aliases = n.Text is null ? DiTAliases.All : DiTAliases.WithText;
        foreach (var alias in aliases.Where(a => !n.Shadowed.Contains(a.Name)))
        {
            w.Line("using " + alias.Name + " = " + alias.Target + ";");
        }
        if (lowerCase) w.Line("#pragma warning restore CS8981");
        w.Line();
        string A(string name) => n.Shadowed.Contains(name) ? DiTAliases.WithText.First(a => a.Name == name).Target : name;
        string tensor = A("Tensor");
        var name = Identifier(n.Type.Name);
        bool labelled = n.IsClassConditional;

        Summary(w, plan);
        w.GeneratedCode();
        bool conditioned = n.LowResolutionChannels > 0;
        bool text = n.Text is not null;
        w.Open("partial class " + name + " : " + A("torch") + ".nn.Module<" + tensor + ", " + tensor + ", " + tensor + "?, "
            + (conditioned ? tensor + ", " + tensor + ", " : "") + (text ? A("TextConditioning") + ", " : "") + tensor + ">");

        foreach (var constant in plan.Constants)
        {
            w.Line("/// <summary>" + constant.Doc + "</summary>");
            w.Line("public const " + constant.Type + " " + constant.Name + " = " + constant.Value + ";");
            w.Line();
        }
        w.Line("/// <summary>Scalar parameters, pos_embed included, as the reference counts them.</summary>");
        w.Line("public const long ParameterCount = " + plan.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
        w.Line();

        // Fields in call order: their names are the reference state-dict keys.
        foreach (var field in plan.Fields)
        {
            w.Line("/// <summary>" + field.Doc + "</summary>");
            w.Line("private readonly " + field.Type + " " + field.Name + ";");
            w.Line();
        }

        w.Line("/// <summary>Builds the network with the reference initialisation (adaLN-Zero: the output starts at zero).</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        foreach (var field in plan.Fields) w.Line(field.Name + " = " + field.Construction + ";");
        w.Line("RegisterComponents();");
        w.Line("InitializeWeights();");
        w.Close();
        w.Line();
        w.Line("/// <summary>The adaLN-Zero blocks in call order.</summary>");
        w.Line("public " + plan.Fields.First(f => f.Name == "blocks").Type + " Blocks => blocks;");
        w.Line();

        // forward
        string outC = n.LearnSigma ? "2C" : "C";
        w.Line("/// <summary>");
        w.Line("/// The output (N, " + outC + ", H, W) for x (N, C, H, W) at training timesteps t (N, int64)");
        if (n.LearnSigma) w.Line("/// (the prediction, then the variance values)");
        w.Line(labelled
            ? "/// with labels y (N, int64; <see cref=\"NullLabel\"/> for the unconditional pass)."
            : "/// without labels (y must be null).");
        if (conditioned)
        {
            w.Line("/// lowResolution (N, LowResolutionChannels, H, W) is the stage's low-resolution image, upsampled and augmented;");
            w.Line("/// level (N) its augmentation level s (Ho et al. 2021, Sec. 3 and 4.1).");
        }
        if (text)
        {
            w.Line("/// text holds the texts' pooled embeddings (N, PooledDim), token states (N, L, TokenDim) and mask (N, L), L at most");
            w.Line("/// MaxTokens, and the rows dropped to the learned null embedding (classifier-free guidance).");
        }
        w.Line("/// </summary>");
        w.Open("public override " + tensor + " forward(" + tensor + " x, " + tensor + " t, " + tensor + "? y"
            + (conditioned ? ", " + tensor + " lowResolution, " + tensor + " level" : "")
            + (text ? ", " + A("TextConditioning") + " text" : "") + ")");
        if (labelled)
        {
            w.Line("if (y is null)");
            w.Line("    throw new global::System.ArgumentNullException(nameof(y), \"" + n.Type.Name + " is class-conditional: \"");
            w.Line("        + \"pass labels (N, int64) in 0.." + Int(n.Classes - 1) + ", or NullLabel = " + Int(n.Classes) + " for the unconditional pass.\");");
        }
        else
        {
            w.Line("if (y is not null)");
            w.Line("    throw new global::System.ArgumentException(\"" + n.Type.Name + (text ? " takes text" : " is unconditional")
                + ": pass null labels.\", nameof(y));");
        }
        if (text) w.Line("if (text is null) throw new global::System.ArgumentNullException(nameof(text));");
        w.Line("using var scope = " + A("torch") + ".NewDisposeScope();");
        foreach (var line in plan.Forward) Commented(w, line.Code, line.Shape + (line.Note.Length > 0 ? ": " + line.Note : ""), 2);
        w.Line("return output.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        // The initialisation, numbered in the plan's order.
        w.Line("/// <summary>The reference initialize_weights (facebookresearch/DiT, models.py), in its order.</summary>");
        w.Open("private void InitializeWeights()");
        w.Line("using var noGrad = " + A("torch") + ".no_grad();");
        int step = 1;
        foreach (var s in plan.Initialization)
        {
            if (step > 1) w.Line();
            w.Line("// " + Int(step++) + ". " + s.Comment);
            foreach (var code in s.Code) w.Line(code);
        }
        w.Close();
        w.Close();
        yield return (n.Type.HintName("Network"), w.ToString());
    }

    /// <summary>The class summary: the declaration as a small tree and what the fields hold.</summary>
    private static void Summary(CodeWriter w, DiTPlan plan)
    {
        var n = plan.Spec;
        w.Lines(
            "/// <summary>",
            "/// The Diffusion Transformer (Peebles and Xie 2023, \"Scalable Diffusion Models with Transformers\") on",
            "/// " + Int(n.InputSize) + " x " + Int(n.InputSize) + " x " + Int(n.InChannels) + " inputs"
                + (n.Preset is null ? "" : " as " + n.Preset) + ", " + plan.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " parameters:",
            "/// <code>",
            "/// " + plan.Tree,
            "/// </code>",
            "/// " + Int(n.Tokens) + " tokens of width " + Int(n.Width) + "; timestep embedding of " + Int(n.FrequencyDim) + " frequencies;");
        w.Line(n.IsClassConditional
            ? "/// " + Int(n.Classes) + " classes plus the null label " + Int(n.Classes) + " (dropped with rate " + Double(n.LabelDropRate) + " by the training loss)."
            : n.Text is { } text
                ? "/// text-conditioned (Saharia et al. 2022, Sec. 2): the pooled embedding (" + Int(text.PooledDim) + ") into c"
                    + (text.CrossAttention ? ",\n/// cross-attention over up to " + Int(text.MaxTokens) + " tokens (" + Int(text.TokenDim) + ")" : "")
                    + ",\n/// the null embedding in place of the text at rate " + Double(text.DropRate) + " in training."
                : "/// unconditional (no label embedding).");
        if (n.LowResolutionChannels > 0)
        {
            w.Lines(
                "/// A super-resolution network (Ho et al. 2021, Sec. 3): x_t concatenated on channels with the upsampled",
                "/// low-resolution image (C_low = " + Int(n.LowResolutionChannels) + "), and the augmentation level s embedded as a second timestep.");
        }
        w.Lines(
            "/// Field names are the reference state-dict keys (facebookresearch/DiT, models.py), so its checkpoints load.",
            "/// </summary>");
    }

    /// <summary>
    /// <paramref name="code"/> with <paramref name="comment"/> at the comment column, or the comment on its own line
    /// above when the two would pass <see cref="MaxLine"/> columns at indent <paramref name="depth"/>.
    /// </summary>
    private static void Commented(CodeWriter w, string code, string comment, int depth)
    {
        int column = System.Math.Max(CommentColumn, code.Length + 4);
        if (depth * 4 + column + 3 + comment.Length <= MaxLine)
        {
            w.Line(code.PadRight(column) + "// " + comment);
            return;
        }
        w.Line("// " + comment);
        w.Line(code);
    }
}
