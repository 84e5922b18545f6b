using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Prints a <see cref="UNetPlan"/>, a [UNet]'s or a [UNetEncoder]'s: aliases, the summary, constants, fields in call
/// order, the constructor, and the forward pass with a shape comment per line. Only what the declaration decides is
/// written here; the blocks are Diffusion.Runtime.Networks.UNet modules with guided-diffusion's state-dict names
/// (openai/guided-diffusion, unet.py), so a reader goes to their definition for the math.
/// </summary>
internal static class UNetParts
{
    /// <summary>Column of the forward pass's shape comments (past the indent).</summary>
    private const int ForwardColumn = 44;

    /// <summary>The width past which a line is wrapped.</summary>
    private const int MaxLine = 120;

    public static string Print(UNetPlan plan, string summaryTitle, string[] summaryTail)
    {
        var w = new CodeWriter();
        w.Header(plan.Type);
        bool lowerCase = !plan.Shadowed.Contains("torch");
        if (lowerCase) w.Line("#pragma warning disable CS8981 // the alias torch is named as in PyTorch, not a type of its own");
        foreach (var alias in UNetAliases.All.Where(a => plan.Aliases.Contains(a.Name) && !plan.Shadowed.Contains(a.Name)))
        {
            string line = "using " + alias.Name + " = " + alias.Target + ";";
            if (line.Length <= MaxLine) w.Line(line);
            else w.Lines("using " + alias.Name + " =", "    " + alias.Target + ";");
        }
        if (lowerCase) w.Line("#pragma warning restore CS8981");
        w.Line();

        var name = Identifier(plan.Type.Name);
        string tensor = plan.A("Tensor");
        var s = plan.Shape;
        w.Line("/// <summary>");
        w.Line("/// " + summaryTitle + " on");
        w.Line("/// " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + " inputs, "
            + plan.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " parameters:");
        w.Line("/// <code>");
        foreach (var line in plan.Tree) w.Line("/// " + line);
        w.Line("/// </code>");
        foreach (var line in summaryTail.SelectMany(l => l.Split('\n'))) w.Line("/// " + line);
        w.Line("/// Field names are guided-diffusion's state-dict keys (openai/guided-diffusion, unet.py).");
        w.Line("/// </summary>");
        w.GeneratedCode();
        string text = plan.Text is null ? "" : plan.A("TextConditioning") + ", ";
        w.Open("partial class " + name + " : " + plan.A("torch") + ".nn.Module<" + tensor + ", " + tensor + ", "
            + (plan.IsEncoder ? "" : tensor + "?, ") + text + tensor + ">");

        foreach (var constant in plan.Constants)
        {
            w.Line("/// <summary>" + constant.Doc + "</summary>");
            w.Line("public const " + constant.Type + " " + constant.Name + " = " + constant.Value + ";");
            w.Line();
        }
        w.Line("/// <summary>One channel multiplier per level, from the input resolution down.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<int> ChannelMultipliers { get; } = new[] { "
            + string.Join(", ", s.Multipliers.Select(Int)) + " };");
        w.Line();
        w.Line("/// <summary>Scalar parameters, as PyTorch counts them.</summary>");
        w.Line("public const long ParameterCount = " + plan.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
        w.Line();

        foreach (var field in plan.Fields)
        {
            w.Line("/// <summary>" + field.Doc + "</summary>");
            w.Line("private readonly " + field.Type + " " + Identifier(field.Name) + ";");
            w.Line();
        }

        w.Line("/// <summary>Builds the network; every block starts as its skip and the output at zero (ADM zero_module).</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        w.Line("var layers = new " + plan.A("UNetLayers") + "(EmbeddingWidth, Dropout, ScaleShiftNorm, NormGroups, Heads);");
        foreach (var field in plan.Fields)
        {
            // input_blocks, middle_block and output_blocks are printed from the plan's blocks, one per line.
            if (field.Construction.Length > 0)
            {
                w.Line(Identifier(field.Name) + " = " + field.Construction + ";");
                continue;
            }
            if (field.Name == "middle_block")
            {
                w.Line("middle_block = new " + plan.A("TimestepEmbedSequential") + "(");
                w.Line("    " + string.Join(", ", plan.Middle.Layers) + ");");
                continue;
            }
            var blocks = field.Name == "input_blocks" ? plan.InputBlocks : plan.OutputBlocks;
            w.Line(field.Name + " = " + plan.A("torch") + ".nn.ModuleList(");
            int i = 0;
            foreach (var block in blocks)
            {
                string end = ++i == blocks.Length ? ");" : ",";
                w.Line("    new " + plan.A("TimestepEmbedSequential") + "(" + string.Join(", ", block.Layers) + ")" + end);
            }
        }
        w.Line("RegisterComponents();");
        if (plan.Text is not null) w.Line("text_embedder.InitializeWeights();    // normal(0.02) projection, null embedding normal(1 / sqrt(D))");
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        if (plan.IsEncoder)
        {
            w.Line("/// Logits (N, Outputs) for x (N, C, H, W) at training timesteps t (N, int64).");
        }
        else
        {
            bool labelled = plan.Classes > 0;
            w.Line("/// The output (N, " + (plan.LearnSigma ? "2C" : "C")
                + ", H, W) for x (N, C, H, W) at training timesteps t (N, int64)");
            w.Line(labelled
                ? "/// with labels y (N, int64; <see cref=\"NullLabel\"/> for the unconditional pass)."
                : plan.Text is not null
                    ? "/// without labels (y must be null), for the texts' pooled embeddings (their dropped rows: the null embedding)."
                    : "/// without labels (y must be null).");
        }
        w.Line("/// </summary>");
        w.Open("public override " + tensor + " forward(" + tensor + " x, " + tensor + " t" + (plan.IsEncoder ? "" : ", " + tensor + "? y")
            + (plan.Text is null ? "" : ", " + plan.A("TextConditioning") + " text") + ")");
        EmitLabelCheck(w, plan);
        w.Line("using var scope = " + plan.A("torch") + ".NewDisposeScope();");
        foreach (var line in plan.Forward) w.Commented(line.Code, line.Shape + (line.Note.Length > 0 ? ": " + line.Note : ""), ForwardColumn);
        w.Line("return output.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static void EmitLabelCheck(CodeWriter w, UNetPlan plan)
    {
        if (plan.IsEncoder) return;
        int count = plan.Classes;
        if (count > 0)
        {
            w.Line("if (y is null)");
            w.Line("    throw new global::System.ArgumentNullException(nameof(y), \"" + plan.Type.Name + " is class-conditional: \"");
            w.Line("        + \"pass labels (N, int64) in 0.." + Int(count - 1) + ", or NullLabel = " + Int(count) + " for the unconditional pass.\");");
        }
        else
        {
            w.Line("if (y is not null)");
            w.Line("    throw new global::System.ArgumentException(\"" + plan.Type.Name + " is unconditional: pass null labels.\", nameof(y));");
        }
    }
}
