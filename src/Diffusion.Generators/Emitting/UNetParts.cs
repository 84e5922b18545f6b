using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// What a [UNet] and a [UNetEncoder] share: their constants, the timestep embedding, the residual block, the attention
/// block and the resampling layers (nested module classes, as in ADM's unet.py), and the unrolled down path and middle.
/// </summary>
internal static class UNetParts
{
    /// <summary>The pyramid's constants in the network class.</summary>
    public static void EmitConstants(CodeWriter w, UNetShape s)
    {
        Const(w, "Height and width of the input.", "InputSize", Int(s.InputSize));
        Const(w, "Channels C of the input.", "InChannels", Int(s.InChannels));
        Const(w, "Channels of the first level; level i has BaseChannels x ChannelMultipliers[i].", "BaseChannels", Int(s.BaseChannels));
        Const(w, "Width of the timestep embedding, 4 x BaseChannels (Ho et al. 2020; ADM).", "EmbeddingWidth", "4 * BaseChannels");
        Const(w, "Residual blocks per level on the way down.", "ResBlocks", Int(s.ResBlocks));
        Const(w, "Heads of every self-attention layer.", "Heads", Int(s.Heads));
        Const(w, "Groups of every GroupNorm.", "NormGroups", Int(s.NormGroups));
        w.Line("/// <summary>Dropout before the second convolution of every residual block.</summary>");
        w.Line("public const double Dropout = " + Double(s.Dropout) + ";");
        w.Line();
        w.Line("/// <summary>" + (s.ScaleShiftNorm
            ? "The timestep embedding enters each residual block as ADM's scale-shift normalisation: GroupNorm(h) (1 + scale) + shift."
            : "The timestep embedding is added to each residual block's activations (Ho et al. 2020).") + "</summary>");
        w.Line("public const bool ScaleShiftNorm = " + (s.ScaleShiftNorm ? "true" : "false") + ";");
        w.Line();
        var multipliers = new System.Text.StringBuilder();
        foreach (var m in s.Multipliers) multipliers.Append(multipliers.Length > 0 ? ", " : "").Append(Int(m));
        w.Line("/// <summary>One channel multiplier per level, from the input resolution down.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<int> ChannelMultipliers { get; } = new[] { " + multipliers + " };");
        w.Line();
    }

    public static void Const(CodeWriter w, string doc, string name, string value)
    {
        w.Line("/// <summary>" + doc + "</summary>");
        w.Line("public const int " + name + " = " + value + ";");
        w.Line();
    }

    /// <summary>A small tree of the pyramid for the class summary: one line per level with its resolution and channels.</summary>
    public static void EmitSummaryTree(CodeWriter w, UNetShape s, bool decoder)
    {
        w.Line("/// input conv   " + Int(s.InChannels) + " -> " + Int(s.Channels(0)) + " channels at " + Res(s, 0));
        for (int level = 0; level < s.Levels; level++)
        {
            w.Line("/// down " + Int(level) + "       " + Int(s.ResBlocks) + " x ResBlock(" + Int(s.Channels(level)) + ")" + (s.HasAttention(level) ? " + attention" : "") + " at " + Res(s, level) + (level < s.Levels - 1 ? ", downsample" : ""));
        }
        w.Line("/// middle       ResBlock, attention, ResBlock at " + Res(s, s.Levels - 1));
        if (!decoder) return;
        for (int level = s.Levels - 1; level >= 0; level--)
        {
            w.Line("/// up " + Int(level) + "         " + Int(s.ResBlocks + 1) + " x ResBlock(skip, " + Int(s.Channels(level)) + ")" + (s.HasAttention(level) ? " + attention" : "") + " at " + Res(s, level) + (level > 0 ? ", upsample" : ""));
        }
    }

    private static string Res(UNetShape s, int level) => Int(s.Resolution(level)) + "x" + Int(s.Resolution(level));

    /// <summary>A down-path skip: the variable holding it and its channels.</summary>
    public readonly struct Skip
    {
        public Skip(string name, int channels)
        {
            Name = name;
            Channels = channels;
        }

        public string Name { get; }

        public int Channels { get; }
    }

    /// <summary>The modules of the down path and middle, in call order: (field, type, constructor arguments).</summary>
    public static System.Collections.Generic.List<(string Field, string Type, string Arguments)> DownModules(UNetShape s)
    {
        var modules = new System.Collections.Generic.List<(string, string, string)>();
        modules.Add(("input_conv", Modules + ".Conv2d", Nn + ".Conv2d(InChannels, " + Int(s.Channels(0)) + ", kernel_size: 3, padding: 1)"));
        int channels = s.Channels(0);
        for (int level = 0; level < s.Levels; level++)
        {
            int output = s.Channels(level);
            for (int k = 0; k < s.ResBlocks; k++)
            {
                modules.Add(("down" + Int(level) + "_res" + Int(k), "ResBlock", "new ResBlock(" + Int(channels) + ", " + Int(output) + ")"));
                channels = output;
                if (s.HasAttention(level)) modules.Add(("down" + Int(level) + "_attn" + Int(k), "AttentionBlock", "new AttentionBlock(" + Int(channels) + ")"));
            }
            if (level < s.Levels - 1) modules.Add(("down" + Int(level) + "_sample", "Downsample", "new Downsample(" + Int(channels) + ")"));
        }
        modules.Add(("middle_res0", "ResBlock", "new ResBlock(" + Int(channels) + ", " + Int(channels) + ")"));
        modules.Add(("middle_attn", "AttentionBlock", "new AttentionBlock(" + Int(channels) + ")"));
        modules.Add(("middle_res1", "ResBlock", "new ResBlock(" + Int(channels) + ", " + Int(channels) + ")"));
        return modules;
    }

    /// <summary>
    /// The forward pass from x to the middle's output h, one line per module with its output shape; returns the
    /// down-path activations the decoder takes as skips, in push order.
    /// </summary>
    public static System.Collections.Generic.List<Skip> EmitDownAndMiddle(CodeWriter w, UNetShape s, bool keepSkips)
    {
        var skips = new System.Collections.Generic.List<Skip>();
        int channels = s.Channels(0);
        void Push()
        {
            if (!keepSkips) return;
            var name = "skip" + Int(skips.Count);
            w.Line("var " + name + " = h;");
            skips.Add(new Skip(name, channels));
        }

        w.Line("var h = input_conv.call(x);" + Pad("var h = input_conv.call(x);") + "// " + Shape(channels, s.Resolution(0)));
        Push();
        for (int level = 0; level < s.Levels; level++)
        {
            int output = s.Channels(level);
            int resolution = s.Resolution(level);
            w.Line("");
            w.Line("// Down level " + Int(level) + ": " + Int(resolution) + "x" + Int(resolution));
            for (int k = 0; k < s.ResBlocks; k++)
            {
                var line = "h = down" + Int(level) + "_res" + Int(k) + ".call(h, emb);";
                w.Line(line + Pad(line) + "// " + Shape(output, resolution) + (channels != output ? ", channels " + Int(channels) + " -> " + Int(output) : ""));
                channels = output;
                if (s.HasAttention(level))
                {
                    line = "h = down" + Int(level) + "_attn" + Int(k) + ".call(h);";
                    w.Line(line + Pad(line) + "// " + Shape(channels, resolution) + ", self-attention over " + Int(resolution * resolution) + " positions");
                }
                Push();
            }
            if (level < s.Levels - 1)
            {
                var line = "h = down" + Int(level) + "_sample.call(h);";
                w.Line(line + Pad(line) + "// " + Shape(channels, s.Resolution(level + 1)) + ", stride-2 convolution");
                Push();
            }
        }
        int lowest = s.Resolution(s.Levels - 1);
        w.Line("");
        w.Line("// Middle: " + Int(lowest) + "x" + Int(lowest));
        w.Line("h = middle_res0.call(h, emb);" + Pad("h = middle_res0.call(h, emb);") + "// " + Shape(channels, lowest));
        w.Line("h = middle_attn.call(h);" + Pad("h = middle_attn.call(h);") + "// " + Shape(channels, lowest));
        w.Line("h = middle_res1.call(h, emb);" + Pad("h = middle_res1.call(h, emb);") + "// " + Shape(channels, lowest));
        return skips;
    }

    public static string Shape(int channels, int resolution) => "(N, " + Int(channels) + ", " + Int(resolution) + ", " + Int(resolution) + ")";

    /// <summary>Spaces that align the shape comments at column 56.</summary>
    public static string Pad(string code) => new string(' ', System.Math.Max(4, 56 - code.Length));

    /// <summary>The timestep embedding, residual block, attention block and resampling layers.</summary>
    public static void EmitModules(CodeWriter w, bool upsample, bool scaleShift)
    {
        EmitTimestepEmbedder(w);
        EmitResBlock(w, scaleShift);
        EmitAttentionBlock(w);
        EmitDownsample(w);
        if (upsample) EmitUpsample(w);
    }

    private static void ModuleHeader(CodeWriter w, string summary, string declaration)
    {
        w.Line("/// <summary>" + summary + "</summary>");
        w.GeneratedCode();
        w.Open(declaration);
    }

    private static void EmitTimestepEmbedder(CodeWriter w)
    {
        ModuleHeader(w, "Timestep embedding (Ho et al. 2020, Sec. 4; ADM): BaseChannels sinusoidal features of t, then Linear, SiLU, Linear to EmbeddingWidth.",
            "internal sealed class TimestepEmbedder : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Sequential mlp;");
        w.Line();
        w.Open("public TimestepEmbedder() : base(nameof(TimestepEmbedder))");
        w.Line("mlp = " + Nn + ".Sequential(" + Nn + ".Linear(BaseChannels, EmbeddingWidth), " + Nn + ".SiLU(), " + Nn + ".Linear(EmbeddingWidth, EmbeddingWidth));");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " t)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "const int half = BaseChannels / 2;",
            "// freqs_k = exp(-ln(10000) k / half), k = 0..half-1 (Vaswani et al. 2017, Sec. 3.5; ADM timestep_embedding)",
            "var freqs = " + Torch + ".exp(" + Torch + ".arange(0, half, dtype: " + Float32 + ", device: t.device) * (-" + Math + ".Log(10000.0) / half));    // (half)",
            "var args = t.to(" + Float32 + ").unsqueeze(1) * freqs.unsqueeze(0);    // (N, half)",
            "var features = " + Torch + ".cat(new[] { " + Torch + ".cos(args), " + Torch + ".sin(args) }, 1);    // (N, BaseChannels): cos first, as ADM",
            "features = features.to(global::System.Linq.Enumerable.First(mlp.parameters()).dtype);    // the network's dtype (float32 unless converted)",
            "return mlp.call(features).MoveToOuterDisposeScope();    // (N, EmbeddingWidth)");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitResBlock(CodeWriter w, bool scaleShift)
    {
        ModuleHeader(w, "A residual block with the timestep embedding (Ho et al. 2020; ADM ResBlock): GroupNorm, SiLU, 3x3 conv, the embedding, GroupNorm, SiLU, dropout, 3x3 conv (zero-initialised), plus the skip.",
            "internal sealed class ResBlock : " + Nn + ".Module<" + Tensor + ", " + Tensor + ", " + Tensor + ">");
        w.Lines(
            "internal readonly " + Modules + ".GroupNorm in_norm;",
            "internal readonly " + Modules + ".Conv2d in_conv;",
            "internal readonly " + Modules + ".Linear emb_proj;",
            "internal readonly " + Modules + ".GroupNorm out_norm;",
            "internal readonly " + Modules + ".Dropout dropout;",
            "internal readonly " + Modules + ".Conv2d out_conv;",
            "internal readonly " + Nn + ".Module<" + Tensor + ", " + Tensor + "> skip;",
            "",
            "/// <summary>A block from <paramref name=\"inChannels\"/> to <paramref name=\"outChannels\"/>; the skip is a 1x1 convolution when they differ.</summary>");
        w.Open("public ResBlock(int inChannels, int outChannels) : base(nameof(ResBlock))");
        w.Lines(
            "in_norm = " + Nn + ".GroupNorm(NormGroups, inChannels);",
            "in_conv = " + Nn + ".Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1);",
            "emb_proj = " + Nn + ".Linear(EmbeddingWidth, ScaleShiftNorm ? 2 * outChannels : outChannels);",
            "out_norm = " + Nn + ".GroupNorm(NormGroups, outChannels);",
            "dropout = " + Nn + ".Dropout(Dropout);",
            "out_conv = " + Nn + ".Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1);",
            "skip = inChannels == outChannels ? " + Nn + ".Identity() : " + Nn + ".Conv2d(inChannels, outChannels, kernel_size: 1);",
            "RegisterComponents();",
            "using var noGrad = " + Torch + ".no_grad();",
            "// The last convolution starts at zero, so every block starts as its skip (ADM zero_module).",
            Init + ".zeros_(out_conv.weight);",
            "if (out_conv.bias is { } bias) " + Init + ".zeros_(bias);");
        w.Close();
        w.Line();
        w.Line("/// <summary>x (N, in, H, W) with the embedding emb (N, EmbeddingWidth) to (N, out, H, W).</summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " x, " + Tensor + " emb)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var h = in_conv.call(" + Functional + ".silu(in_norm.call(x)));    // (N, out, H, W)",
            "var e = emb_proj.call(" + Functional + ".silu(emb)).unsqueeze(-1).unsqueeze(-1);    // (N, " + (scaleShift ? "2 out" : "out") + ", 1, 1)",
            "");
        if (scaleShift)
        {
            w.Lines(
                "var parts = e.chunk(2, 1);    // scale, shift: (N, out, 1, 1) each",
                "h = out_norm.call(h) * (1 + parts[0]) + parts[1];    // GroupNorm(h) (1 + scale) + shift (ADM, Sec. 3 \"adaptive group normalization\")",
                "h = " + Functional + ".silu(h);");
        }
        else
        {
            w.Line("h = " + Functional + ".silu(out_norm.call(h + e));    // h + emb, then GroupNorm and SiLU (Ho et al. 2020)");
        }
        w.Lines(
            "h = out_conv.call(dropout.call(h));    // (N, out, H, W)",
            "return (skip.call(x) + h).MoveToOuterDisposeScope();    // residual");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitAttentionBlock(CodeWriter w)
    {
        ModuleHeader(w, "Self-attention over the H x W positions (ADM AttentionBlock): GroupNorm, qkv projection, Heads-head scaled dot-product attention, output projection (zero-initialised), residual.",
            "internal sealed class AttentionBlock : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Lines(
            "internal readonly " + Modules + ".GroupNorm norm;",
            "internal readonly " + Modules + ".Linear qkv;",
            "internal readonly " + Modules + ".Linear proj;",
            "private readonly int channels;",
            "");
        w.Open("public AttentionBlock(int channels) : base(nameof(AttentionBlock))");
        w.Lines(
            "this.channels = channels;",
            "norm = " + Nn + ".GroupNorm(NormGroups, channels);",
            "qkv = " + Nn + ".Linear(channels, 3 * channels);",
            "proj = " + Nn + ".Linear(channels, channels);",
            "RegisterComponents();",
            "using var noGrad = " + Torch + ".no_grad();",
            "// The output projection starts at zero, so the block starts as the identity (ADM zero_module).",
            Init + ".zeros_(proj.weight);",
            "if (proj.bias is { } bias) " + Init + ".zeros_(bias);");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "long n = x.shape[0], height = x.shape[2], width = x.shape[3], positions = height * width;",
            "var tokens = norm.call(x).flatten(2).transpose(1, 2);    // (N, HW, C)",
            "var heads = qkv.call(tokens).reshape(n, positions, 3, Heads, channels / Heads).permute(2, 0, 3, 1, 4);    // (3, N, heads, HW, C / heads)",
            "// softmax(q k^T / sqrt(C / heads)) v (Vaswani et al. 2017, Eq. 1)",
            "var attended = " + Functional + ".scaled_dot_product_attention(heads[0], heads[1], heads[2]);    // (N, heads, HW, C / heads)",
            "var merged = attended.transpose(1, 2).reshape(n, positions, channels);    // (N, HW, C)",
            "var output = proj.call(merged).transpose(1, 2).reshape(n, channels, height, width);    // (N, C, H, W)",
            "return (x + output).MoveToOuterDisposeScope();    // residual");
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitDownsample(CodeWriter w)
    {
        ModuleHeader(w, "Halves the resolution with a 3x3 stride-2 convolution (ADM Downsample).",
            "internal sealed class Downsample : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Conv2d conv;");
        w.Line();
        w.Open("public Downsample(int channels) : base(nameof(Downsample))");
        w.Line("conv = " + Nn + ".Conv2d(channels, channels, kernel_size: 3, stride: 2, padding: 1);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Line("public override " + Tensor + " forward(" + Tensor + " x) => conv.call(x);    // (N, C, H / 2, W / 2)");
        w.Close();
        w.Line();
    }

    private static void EmitUpsample(CodeWriter w)
    {
        ModuleHeader(w, "Doubles the resolution: nearest-neighbour upsampling, then a 3x3 convolution (ADM Upsample).",
            "internal sealed class Upsample : " + Nn + ".Module<" + Tensor + ", " + Tensor + ">");
        w.Line("internal readonly " + Modules + ".Conv2d conv;");
        w.Line();
        w.Open("public Upsample(int channels) : base(nameof(Upsample))");
        w.Line("conv = " + Nn + ".Conv2d(channels, channels, kernel_size: 3, padding: 1);");
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Open("public override " + Tensor + " forward(" + Tensor + " x)");
        w.Lines(
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var doubled = " + Functional + ".interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: " + Torch + ".InterpolationMode.Nearest);    // (N, C, 2H, 2W)",
            "return conv.call(doubled).MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        w.Line();
    }
}
