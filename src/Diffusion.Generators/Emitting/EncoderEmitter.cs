using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Network.g.cs for a [UNetEncoder]: the down path and middle of the U-Net, then a pooled
/// linear head (ADM's EncoderUNetModel with pool = "adaptive").
/// </summary>
internal static class EncoderEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(EncoderSpec n)
    {
        var s = n.Shape;
        var w = new CodeWriter();
        w.Header(n.Type);
        var name = Identifier(n.Type.Name);
        int channels = s.Channels(s.Levels - 1);

        w.Lines(
            "/// <summary>",
            "/// The encoder half of a U-Net with a pooled head (Dhariwal and Nichol 2021, Sec. 4; ADM EncoderUNetModel) on " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + " inputs:",
            "/// <code>");
        UNetParts.EmitSummaryTree(w, s, decoder: false);
        w.Lines(
            "/// head         GroupNorm, SiLU, global average pooling, Linear(" + Int(channels) + " -> " + Int(n.Outputs) + ")",
            "/// </code>",
            "/// Input x (N, C, H, W) float and t (N) int64 training timesteps; output (N, " + Int(n.Outputs) + ") logits.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + ">");
        UNetParts.EmitConstants(w, s);
        UNetParts.Const(w, "Logits of the head.", "Outputs", Int(n.Outputs));

        var modules = UNetParts.DownModules(s);
        w.Line("private readonly TimestepEmbedder time_embed;");
        foreach (var (field, type, _) in modules) w.Line("private readonly " + type + " " + field + ";");
        w.Lines(
            "private readonly " + Modules + ".GroupNorm out_norm;",
            "private readonly " + Modules + ".Linear head;",
            "",
            "/// <summary>Builds the network; the head starts at zero, so every class starts equally likely.</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        w.Line("time_embed = new TimestepEmbedder();");
        foreach (var (field, _, arguments) in modules) w.Line(field + " = " + arguments + ";");
        w.Lines(
            "out_norm = " + Nn + ".GroupNorm(NormGroups, " + Int(channels) + ");",
            "head = " + Nn + ".Linear(" + Int(channels) + ", Outputs);",
            "RegisterComponents();",
            "using var noGrad = " + Torch + ".no_grad();",
            "// GroupNorm starts at weight 1, bias 0 (PyTorch's reset_parameters; TorchSharp 0.107 leaves them uninitialized).",
            "foreach (var module in modules())",
            "{",
            "    if (module is not " + Modules + ".GroupNorm norm) continue;",
            "    if (norm.weight is { } scale) " + Init + ".ones_(scale);",
            "    if (norm.bias is { } shift) " + Init + ".zeros_(shift);",
            "}",
            Init + ".zeros_(head.weight);",
            "if (head.bias is { } bias) " + Init + ".zeros_(bias);");
        w.Close();
        w.Line();

        w.Line("/// <summary>Logits (N, Outputs) for x (N, C, H, W) at training timesteps t (N, int64).</summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " t)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var emb = time_embed.call(t);" + UNetParts.Pad("var emb = time_embed.call(t);") + "// (N, " + Int(s.EmbeddingWidth) + "): timestep embedding",
            "");
        UNetParts.EmitDownAndMiddle(w, s, keepSkips: false);
        int lowest = s.Resolution(s.Levels - 1);
        w.Lines(
            "",
            "// Head",
            "var pooled = " + Functional + ".silu(out_norm.call(h)).mean(new long[] { 2, 3 });    // (N, " + Int(channels) + "): global average over " + Int(lowest) + "x" + Int(lowest),
            "return head.call(pooled).MoveToOuterDisposeScope();    // (N, " + Int(n.Outputs) + ") logits");
        w.Close();
        w.Line();
        UNetParts.EmitModules(w, upsample: false, scaleShift: s.ScaleShiftNorm);
        w.Close();
        yield return (n.Type.HintName("Network"), w.ToString());
    }
}
