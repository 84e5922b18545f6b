using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs for a [UNet]: the DDPM / ADM U-Net as a TorchSharp module whose forward pass is
/// unrolled, one line per block, with the skip connections, resampling and attention where the declaration puts them.
/// </summary>
internal static class UNetEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(UNetSpec n)
    {
        var s = n.Shape;
        var w = new CodeWriter();
        w.Header(n.Type);
        var name = Identifier(n.Type.Name);
        bool labelled = n.IsClassConditional;

        w.Lines(
            "/// <summary>",
            "/// The U-Net (Ho et al. 2020; Dhariwal and Nichol 2021, ADM) declared on " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + " inputs:",
            "/// <code>");
        UNetParts.EmitSummaryTree(w, s, decoder: true);
        w.Lines(
            "/// output       GroupNorm, SiLU, 3x3 conv to " + (n.LearnSigma ? "2C (prediction + variance values)" : "C"),
            "/// </code>",
            "/// Timestep embedding of width " + Int(s.EmbeddingWidth) + (s.ScaleShiftNorm ? " entering every residual block by scale-shift normalisation; " : " added in every residual block; ") + (labelled
                ? "class-label embedding of " + Int(n.Classes) + " classes plus the null label " + Int(n.Classes) + " (dropped with rate " + Double(n.LabelDropRate) + " by the training loss), added to it."
                : "unconditional (no label embedding)."),
            "/// Input x (N, C, H, W) float, t (N) int64 training timesteps, y (N) int64 labels" + (labelled ? "." : " (must be null)."),
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + "?, " + Tensor + ">");
        UNetParts.EmitConstants(w, s);
        if (n.LearnSigma)
            UNetParts.Const(w, "Channels of the output: the prediction (C) then the variance values v (C) of a learned variance.", "OutChannels", "2 * InChannels");
        else
            UNetParts.Const(w, "Channels of the output: the prediction has the input's shape.", "OutChannels", "InChannels");
        if (labelled)
        {
            UNetParts.Const(w, "Number of classes; labels are 0..Classes-1.", "Classes", Int(n.Classes));
            UNetParts.Const(w, "The null label of classifier-free guidance (Ho and Salimans 2022): the embedding table's extra row.", "NullLabel", "Classes");
            w.Line("/// <summary>p_uncond: the training loss replaces a label with <see cref=\"NullLabel\"/> with this probability.</summary>");
            w.Line("public const double LabelDropRate = " + Double(n.LabelDropRate) + ";");
            w.Line();
        }

        // Fields in call order.
        var modules = UNetParts.DownModules(s);
        var up = UpModules(s);
        w.Line("private readonly TimestepEmbedder time_embed;");
        if (labelled) w.Line("private readonly " + Modules + ".Embedding label_emb;");
        foreach (var (field, type, _) in modules) w.Line("private readonly " + type + " " + field + ";");
        foreach (var (field, type, _) in up) w.Line("private readonly " + type + " " + field + ";");
        w.Lines(
            "private readonly " + Modules + ".GroupNorm out_norm;",
            "private readonly " + Modules + ".Conv2d out_conv;",
            "",
            "/// <summary>Builds the network; every residual block and attention layer starts as the identity and the output at zero (ADM).</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        w.Line("time_embed = new TimestepEmbedder();");
        if (labelled) w.Line("label_emb = " + Nn + ".Embedding(Classes + 1, EmbeddingWidth);");
        foreach (var (field, _, arguments) in modules) w.Line(field + " = " + arguments + ";");
        foreach (var (field, _, arguments) in up) w.Line(field + " = " + arguments + ";");
        w.Lines(
            "out_norm = " + Nn + ".GroupNorm(NormGroups, " + Int(s.Channels(0)) + ");",
            "out_conv = " + Nn + ".Conv2d(" + Int(s.Channels(0)) + ", OutChannels, kernel_size: 3, padding: 1);",
            "RegisterComponents();",
            "using var noGrad = " + Torch + ".no_grad();",
            "// GroupNorm starts at weight 1, bias 0 (PyTorch's reset_parameters; TorchSharp 0.107 leaves them uninitialized).",
            "foreach (var module in modules())",
            "{",
            "    if (module is not " + Modules + ".GroupNorm norm) continue;",
            "    if (norm.weight is { } scale) " + Init + ".ones_(scale);",
            "    if (norm.bias is { } shift) " + Init + ".zeros_(shift);",
            "}",
            Init + ".zeros_(out_conv.weight);",
            "if (out_conv.bias is { } bias) " + Init + ".zeros_(bias);");
        w.Close();
        w.Line();

        // forward
        w.Lines(
            "/// <summary>",
            "/// The model output (N, " + (n.LearnSigma ? "2C" : "C") + ", H, W) for x (N, C, H, W) at training timesteps t (N, int64)" + (labelled ? " with labels y (N, int64; <see cref=\"NullLabel\"/> for the unconditional pass)." : "; y must be null."),
            "/// </summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " t, " + Tensor + "? y)");
        if (labelled)
            w.Line("if (y is null) throw new global::System.ArgumentNullException(nameof(y), \"" + n.Type.Name + " is class-conditional: pass labels (N, int64) in 0.." + Int(n.Classes - 1) + ", or NullLabel = " + Int(n.Classes) + " for the unconditional pass.\");");
        else
            w.Line("if (y is not null) throw new global::System.ArgumentException(\"" + n.Type.Name + " is unconditional: pass null labels.\", nameof(y));");
        w.Line("using var scope = " + Torch + ".NewDisposeScope();");
        w.Line(labelled
            ? "var emb = time_embed.call(t) + label_emb.call(y);" + UNetParts.Pad("var emb = time_embed.call(t) + label_emb.call(y);") + "// (N, " + Int(s.EmbeddingWidth) + "): timestep plus label embedding"
            : "var emb = time_embed.call(t);" + UNetParts.Pad("var emb = time_embed.call(t);") + "// (N, " + Int(s.EmbeddingWidth) + "): timestep embedding");
        w.Line();
        var skips = UNetParts.EmitDownAndMiddle(w, s, keepSkips: true);
        int channels = s.Channels(s.Levels - 1);
        for (int level = s.Levels - 1; level >= 0; level--)
        {
            int output = s.Channels(level);
            int resolution = s.Resolution(level);
            w.Line();
            w.Line("// Up level " + Int(level) + ": " + Int(resolution) + "x" + Int(resolution) + ", each block takes the matching down-path activation");
            for (int k = 0; k <= s.ResBlocks; k++)
            {
                var skip = skips[skips.Count - 1];
                skips.RemoveAt(skips.Count - 1);
                var line = "h = up" + Int(level) + "_res" + Int(k) + ".call(" + Torch + ".cat(new[] { h, " + skip.Name + " }, 1), emb);";
                w.Line(line + "    // " + UNetParts.Shape(output, resolution) + ", channels " + Int(channels) + " + " + Int(skip.Channels) + " -> " + Int(output));
                channels = output;
                if (s.HasAttention(level))
                {
                    line = "h = up" + Int(level) + "_attn" + Int(k) + ".call(h);";
                    w.Line(line + UNetParts.Pad(line) + "// " + UNetParts.Shape(channels, resolution) + ", self-attention");
                }
            }
            if (level > 0)
            {
                var line = "h = up" + Int(level) + "_sample.call(h);";
                w.Line(line + UNetParts.Pad(line) + "// " + UNetParts.Shape(channels, s.Resolution(level - 1)) + ", nearest upsampling and 3x3 conv");
            }
        }
        w.Line();
        var last = "var output = out_conv.call(" + Functional + ".silu(out_norm.call(h)));";
        w.Line(last + "    // (N, " + (n.LearnSigma ? "2C" : "C") + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + ")");
        w.Line("return output.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        UNetParts.EmitModules(w, upsample: s.Levels > 1, scaleShift: s.ScaleShiftNorm);
        w.Close();
        yield return (n.Type.HintName("Network"), w.ToString());
    }

    /// <summary>The up path's modules in call order, mirroring ADM's output_blocks: ResBlocks + 1 blocks per level.</summary>
    private static List<(string Field, string Type, string Arguments)> UpModules(UNetShape s)
    {
        // The skips' channels, in the order the down path pushes them.
        var skipChannels = new List<int> { s.Channels(0) };
        for (int level = 0; level < s.Levels; level++)
        {
            for (int k = 0; k < s.ResBlocks; k++) skipChannels.Add(s.Channels(level));
            if (level < s.Levels - 1) skipChannels.Add(s.Channels(level));
        }
        var modules = new List<(string, string, string)>();
        int channels = s.Channels(s.Levels - 1);
        for (int level = s.Levels - 1; level >= 0; level--)
        {
            int output = s.Channels(level);
            for (int k = 0; k <= s.ResBlocks; k++)
            {
                int skip = skipChannels[skipChannels.Count - 1];
                skipChannels.RemoveAt(skipChannels.Count - 1);
                modules.Add(("up" + Int(level) + "_res" + Int(k), "ResBlock", "new ResBlock(" + Int(channels + skip) + ", " + Int(output) + ")"));
                channels = output;
                if (s.HasAttention(level)) modules.Add(("up" + Int(level) + "_attn" + Int(k), "AttentionBlock", "new AttentionBlock(" + Int(channels) + ")"));
            }
            if (level > 0) modules.Add(("up" + Int(level) + "_sample", "Upsample", "new Upsample(" + Int(channels) + ")"));
        }
        return modules;
    }
}
