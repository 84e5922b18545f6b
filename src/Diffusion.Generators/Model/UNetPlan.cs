using System.Collections.Generic;
using System.Linq;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Model;

/// <summary>
/// Everything a declared U-Net (Ho et al. 2020; Dhariwal and Nichol 2021, ADM) or U-Net encoder is made of, computed
/// once from its spec by one walk of the pyramid: the constants, the fields in call order (guided-diffusion's
/// state-dict names, openai/guided-diffusion unet.py, each with its parameter count), the blocks of input_blocks,
/// middle_block and output_blocks with their channels, resolutions and skips, the forward pass line by line with
/// shapes, the summary tree and the description entries. The emitter prints projections of it, so the fields, the
/// forward pass, the counts and the description cannot disagree.
/// </summary>
/// <param name="Type">The network class.</param>
/// <param name="Shape">The pyramid.</param>
/// <param name="Outputs">The encoder's logits; 0 for a U-Net.</param>
/// <param name="Classes">The U-Net's classes; 0 when unconditional or an encoder.</param>
/// <param name="LearnSigma">Whether the U-Net's output also carries the variance values (2C channels).</param>
/// <param name="Shadowed">Alias names written in full (see <see cref="UNetAliases"/>).</param>
/// <param name="Constants">Public constants in dependency order (ChannelMultipliers is printed after them).</param>
/// <param name="Fields">Submodules in call order.</param>
/// <param name="InputBlocks">input_blocks: the input convolution, then per level its residual blocks and a downsampling.</param>
/// <param name="Middle">middle_block: ResBlock, attention, ResBlock.</param>
/// <param name="OutputBlocks">output_blocks (empty for an encoder): per level ResBlocks + 1 blocks, each on a skip.</param>
/// <param name="Forward">The forward pass after the argument check, up to <c>output</c>.</param>
/// <param name="Tree">The architecture, one line per level, for the class summary.</param>
/// <param name="Aliases">The alias names the file uses, in declaration order.</param>
internal sealed record UNetPlan(
    TypeName Type,
    UNetShape Shape,
    int Outputs,
    int Classes,
    bool LearnSigma,
    EquatableArray<string> Shadowed,
    EquatableArray<PlanConstant> Constants,
    EquatableArray<PlanField> Fields,
    EquatableArray<UNetBlock> InputBlocks,
    UNetBlock Middle,
    EquatableArray<UNetBlock> OutputBlocks,
    EquatableArray<PlanLine> Forward,
    EquatableArray<string> Tree,
    EquatableArray<string> Aliases,
    TextConditioningSpec? Text = null)
{
    public bool IsEncoder => Outputs > 0;

    /// <summary>Scalar parameters of the whole network, the sum over <see cref="Fields"/>.</summary>
    public long ParameterCount => Fields.Sum(f => f.Parameters);

    /// <summary>An alias name, or its full target where the declaration shadows it.</summary>
    public string A(string alias) => Shadowed.Contains(alias) ? UNetAliases.All.First(a => a.Name == alias).Target : alias;

    /// <summary>The plan of a [UNet].</summary>
    public static UNetPlan Of(UNetSpec n) => Build(n.Type, n.Shape, 0, n.Classes, n.LabelDropRate, n.LearnSigma, n.Shadowed, n.Text);

    /// <summary>The plan of a [UNetEncoder].</summary>
    public static UNetPlan Of(EncoderSpec n) => Build(n.Type, n.Shape, n.Outputs, 0, 0, false, n.Shadowed);

    private static UNetPlan Build(TypeName type, UNetShape s, int outputs, int classes, double dropRate, bool learnSigma, EquatableArray<string> shadowed,
        TextConditioningSpec? text = null)
    {
        bool encoder = outputs > 0, labelled = classes > 0;
        int tokenDim = text is { CrossAttention: true } ? text.TokenDim : 0;    // 0: no cross-attention blocks
        string A(string alias) => shadowed.Contains(alias) ? UNetAliases.All.First(a => a.Name == alias).Target : alias;
        long e = s.EmbeddingWidth;

        // One walk of the pyramid, as guided-diffusion's UNetModel.__init__: input_block_chans are the skips.
        var input = new List<UNetBlock>
        {
            new(Code(A("torch") + ".nn.Conv2d(InChannels, " + Int(s.Channels(0)) + ", kernel_size: 3, padding: 1)"),
                s.InChannels, s.Channels(0), s.Resolution(0), -1, Conv(s.InChannels, s.Channels(0), 3), "3x3 conv"),
        };
        int ch = s.Channels(0);
        for (int level = 0; level < s.Levels; level++)
        {
            for (int k = 0; k < s.ResBlocks; k++)
            {
                input.Add(ResStep(s, level, ch, 0, s.Channels(level), -1, null, e, tokenDim));
                ch = s.Channels(level);
            }
            if (level < s.Levels - 1)
            {
                input.Add(new(Code("new " + A("Downsample") + "(" + Int(ch) + ")"), ch, ch, s.Resolution(level + 1), -1,
                    Conv(ch, ch, 3), "stride-2 conv"));
            }
        }
        int lowest = s.Resolution(s.Levels - 1);
        var middleLayers = new List<string> { "layers.ResBlock(" + Int(ch) + ", " + Int(ch) + ")", "layers.Attention(" + Int(ch) + ")" };
        if (tokenDim > 0) middleLayers.Add("layers.CrossAttention(" + Int(ch) + ", TokenDim)");
        middleLayers.Add("layers.ResBlock(" + Int(ch) + ", " + Int(ch) + ")");
        var middle = new UNetBlock(new EquatableArray<string>(middleLayers), ch, ch, lowest, -1,
            2 * Res(ch, ch, e, s.ScaleShiftNorm) + Attention(ch) + CrossAttention(ch, tokenDim),
            tokenDim > 0 ? "ResBlock, attention, cross-attention, ResBlock" : "ResBlock, attention, ResBlock");

        var output = new List<UNetBlock>();
        if (!encoder)
        {
            int skip = input.Count;
            for (int level = s.Levels - 1; level >= 0; level--)
            {
                for (int k = 0; k <= s.ResBlocks; k++)
                {
                    skip--;
                    bool upsample = level > 0 && k == s.ResBlocks;
                    output.Add(ResStep(s, level, ch, input[skip].OutChannels, s.Channels(level), skip,
                        upsample ? "new " + A("Upsample") + "(" + Int(s.Channels(level)) + ")" : null, e, tokenDim));
                    ch = s.Channels(level);
                }
            }
        }

        var constants = new List<PlanConstant>
        {
            new("int", "InputSize", Int(s.InputSize), "Height and width of the input."),
            new("int", "InChannels", Int(s.InChannels), "Channels C of the input."),
            new("int", "BaseChannels", Int(s.BaseChannels), "Channels of level 0; level i has BaseChannels x ChannelMultipliers[i]."),
            new("int", "EmbeddingWidth", "4 * BaseChannels", "Width of the timestep embedding, 4 x BaseChannels (DDPM; ADM)."),
            new("int", "ResBlocks", Int(s.ResBlocks), "Residual blocks per level on the way down."),
            new("int", "Heads", Int(s.Heads), "Heads of every attention block."),
            new("int", "NormGroups", Int(s.NormGroups), "Groups of every GroupNorm."),
            new("double", "Dropout", Double(s.Dropout), "Dropout before the last convolution of every residual block."),
            new("bool", "ScaleShiftNorm", s.ScaleShiftNorm ? "true" : "false", s.ScaleShiftNorm
                ? "The embedding enters each residual block as GroupNorm(h) (1 + scale) + shift (ADM)."
                : "The embedding is added to each residual block's activations (DDPM)."),
        };
        if (encoder)
        {
            constants.Add(new("int", "Outputs", Int(outputs), "Logits of the head."));
        }
        else
        {
            constants.Add(learnSigma
                ? new("int", "OutChannels", "2 * InChannels", "Output channels: the prediction (C), then the variance values (C).")
                : new("int", "OutChannels", "InChannels", "Output channels: the prediction has the input's shape."));
        }
        if (labelled)
        {
            constants.Add(new("int", "Classes", Int(classes), "Number of classes; labels are 0..Classes-1."));
            constants.Add(new("int", "NullLabel", "Classes", "The null label of classifier-free guidance (Ho and Salimans 2022): the extra row."));
            constants.Add(new("double", "LabelDropRate", Double(dropRate), "p_uncond: the training loss replaces a label with NullLabel this often."));
        }
        if (text is not null)
        {
            constants.Add(new("int", "PooledDim", Int(text.PooledDim), "Width of the text encoder's pooled embedding."));
            constants.Add(new("int", "TokenDim", Int(text.TokenDim), "Width of the text encoder's token states."));
            constants.Add(new("int", "MaxTokens", Int(text.MaxTokens), "L_max: the most tokens a text brings."));
            constants.Add(text.CrossAttention
                ? new("bool", "CrossAttention", "true", "Every attention block is followed by cross-attention over the token states.")
                : new("bool", "CrossAttention", "false", "The pooled embedding alone conditions: no cross-attention over the tokens."));
            constants.Add(new("double", "TextDropRate", Double(text.DropRate),
                "p_uncond: the training loss replaces a caption with the null embedding with this probability."));
        }

        // Fields in call order, which is the order of the random draws of their initialisation.
        string blocks = A("TimestepBlocks");
        var fields = new List<PlanField>
        {
            new("time_embed", A("TimeEmbedding"), "new " + A("TimeEmbedding") + "(BaseChannels, EmbeddingWidth)",
                Linear(s.BaseChannels, e) + Linear(e, e), "Sinusoidal features of t, then Linear, SiLU, Linear (DDPM, Sec. 4)."),
        };
        if (labelled)
        {
            fields.Add(new("label_emb", A("Embedding"), A("torch") + ".nn.Embedding(Classes + 1, EmbeddingWidth)",
                (classes + 1L) * e, "The label table, Classes + 1 rows (the last is the null label)."));
        }
        if (text is not null)
        {
            fields.Add(new("text_embedder", A("TextEmbedder"), "new " + A("TextEmbedder") + "(PooledDim, EmbeddingWidth, TokenDim, MaxTokens, CrossAttention)",
                Linear(text.PooledDim, e) + Linear(e, e) + text.PooledDim + (tokenDim > 0 ? (long)text.MaxTokens * tokenDim : 0),
                tokenDim > 0
                    ? "The pooled text embedding's Linear, SiLU, Linear to EmbeddingWidth, and the learned null embedding and tokens."
                    : "The pooled text embedding's Linear, SiLU, Linear to EmbeddingWidth, and the learned null embedding."));
        }
        fields.Add(new("input_blocks", blocks, "", input.Sum(b => b.Parameters),
            "The down path: the input convolution, then per level residual blocks and a downsampling."));
        fields.Add(new("middle_block", A("TimestepEmbedSequential"), "", middle.Parameters,
            tokenDim > 0 ? "ResBlock, attention, cross-attention, ResBlock at the lowest resolution." : "ResBlock, attention, ResBlock at the lowest resolution."));
        int c0 = s.Channels(0);
        if (encoder)
        {
            fields.Add(new("out", A("PooledHead"), "new " + A("PooledHead") + "(" + Int(ch) + ", Outputs, NormGroups)",
                2L * ch + (long)ch * outputs + outputs, "GroupNorm, SiLU, global average pooling, zero 1x1 conv to the logits."));
        }
        else
        {
            long outChannels = learnSigma ? 2L * s.InChannels : s.InChannels;
            fields.Add(new("output_blocks", blocks, "", output.Sum(b => b.Parameters),
                "The up path: per level ResBlocks + 1 blocks, each on a skip, and an upsampling."));
            fields.Add(new("out", A("Sequential"), A("OutputLayers") + ".Create(" + Int(c0) + ", OutChannels, NormGroups)",
                2L * c0 + Conv(c0, outChannels, 3), "GroupNorm, SiLU, zero-initialised 3x3 conv to OutChannels."));
        }

        // The forward pass, as guided-diffusion's forward with the hs stack unrolled: h{i} is input block i's output.
        var forward = new List<PlanLine>();
        if (labelled)
        {
            forward.Add(new("using " + A("Scalar") + " one = 1;", "alpha of the addition", "disposed here, where + would leave it to the finalizer"));
            forward.Add(new("var emb = time_embed.call(t).add(label_emb.call(y), one);", "(N, " + Int(s.EmbeddingWidth) + ")", "timestep plus label"));
        }
        else if (text is not null)
        {
            forward.Add(new("using " + A("Scalar") + " one = 1;", "alpha of the addition", "disposed here, where + would leave it to the finalizer"));
            forward.Add(new("var caption = text_embedder.Substitute(text);", "(N, " + Int(text.PooledDim) + ") pooled", "dropped rows: the null embedding"));
            forward.Add(new("var emb = time_embed.call(t).add(text_embedder.call(caption.Pooled), one);", "(N, " + Int(s.EmbeddingWidth) + ")",
                "timestep plus pooled text (Saharia et al. 2022, Sec. 2)"));
        }
        else
        {
            forward.Add(new("var emb = time_embed.call(t);", "(N, " + Int(s.EmbeddingWidth) + ")", "timestep"));
        }
        // Blocks that cross-attend also take the text's tokens (as text_embedder.Substitute returned them).
        string With(UNetBlock b) => b.Layers.Any(l => l.StartsWith("layers.CrossAttention(", System.StringComparison.Ordinal)) ? ", caption" : "";
        string last = "x";
        for (int i = 0; i < input.Count; i++)
        {
            string target = encoder ? (i == 0 ? "var h" : "h") : "var h" + Int(i);
            forward.Add(new(target + " = input_blocks[" + Int(i) + "].call(" + last + ", emb" + With(input[i]) + ");", ShapeOf(input[i]), input[i].Note));
            last = encoder ? "h" : "h" + Int(i);
        }
        forward.Add(new((encoder ? "h" : "var h") + " = middle_block.call(" + last + ", emb" + With(middle) + ");", ShapeOf(middle), middle.Note));
        for (int j = 0; j < output.Count; j++)
        {
            var b = output[j];
            forward.Add(new("h = " + A("torch") + ".cat(new[] { h, h" + Int(b.Skip) + " }, 1);",
                "(N, " + Int(b.InChannels) + ", " + Int(input[b.Skip].Resolution) + ", " + Int(input[b.Skip].Resolution) + ")",
                "with the skip h" + Int(b.Skip)));
            forward.Add(new("h = output_blocks[" + Int(j) + "].call(h, emb" + With(b) + ");", ShapeOf(b), b.Note));
        }
        forward.Add(encoder
            ? new("var output = @out.call(h);", "(N, " + Int(outputs) + ")", "logits")
            : new("var output = @out.call(h);", "(N, " + (learnSigma ? "2C" : "C") + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + ")", ""));

        var aliases = new List<string> { "torch", "Tensor" };
        if (labelled) aliases.AddRange(new[] { "Embedding", "Scalar" });
        if (text is not null) aliases.AddRange(new[] { "Scalar", "TextEmbedder", "TextConditioning" });
        if (!encoder) aliases.Add("Sequential");
        aliases.AddRange(new[] { "TimestepBlocks", "TimeEmbedding", "UNetLayers", "TimestepEmbedSequential" });
        if (s.Levels > 1) aliases.Add("Downsample");
        if (s.Levels > 1 && !encoder) aliases.Add("Upsample");
        aliases.Add(encoder ? "PooledHead" : "OutputLayers");

        return new UNetPlan(type, s, outputs, classes, learnSigma, shadowed, new(constants), new(fields), new(input), middle, new(output),
            new(forward), new(TreeLines(s, outputs, learnSigma, tokenDim > 0)), new(aliases), text);
    }

    /// <summary>A block of one ResBlock (with attention at the declared resolutions) and an optional resampling layer.</summary>
    /// <param name="s">The pyramid.</param>
    /// <param name="level">The block's level.</param>
    /// <param name="h">Channels of the path's activations.</param>
    /// <param name="skipChannels">Channels of the skip concatenated to them (output blocks), else 0.</param>
    /// <param name="outChannels">Channels the block leaves.</param>
    /// <param name="skip">The input block whose output is the skip, else -1.</param>
    /// <param name="upsample">The upsampling layer ending the block, else null.</param>
    /// <param name="e">Width of the timestep embedding.</param>
    /// <param name="tokenDim">Width of the text tokens each attention's cross-attention reads; 0 for none.</param>
    private static UNetBlock ResStep(UNetShape s, int level, int h, int skipChannels, int outChannels, int skip, string? upsample, long e,
        int tokenDim)
    {
        int channels = h + skipChannels, resolution = s.Resolution(level);
        var layers = new List<string> { "layers.ResBlock(" + Int(channels) + ", " + Int(outChannels) + ")" };
        long parameters = Res(channels, outChannels, e, s.ScaleShiftNorm);
        string note = channels != outChannels ? "ResBlock(" + Int(channels) + " -> " + Int(outChannels) + ")" : "ResBlock";
        if (s.HasAttention(level))
        {
            layers.Add("layers.Attention(" + Int(outChannels) + ")");
            parameters += Attention(outChannels);
            note += ", attention";
            if (tokenDim > 0)
            {
                layers.Add("layers.CrossAttention(" + Int(outChannels) + ", TokenDim)");
                parameters += CrossAttention(outChannels, tokenDim);
                note += ", cross-attention";
            }
        }
        if (upsample is not null)
        {
            layers.Add(upsample);
            parameters += Conv(outChannels, outChannels, 3);
            note += ", upsample";
            resolution *= 2;
        }
        return new UNetBlock(new EquatableArray<string>(layers), channels, outChannels, resolution, skip, parameters, note);
    }

    /// <summary>The pyramid as a small tree: one line per level with its resolution and channels.</summary>
    private static List<string> TreeLines(UNetShape s, int outputs, bool learnSigma, bool crossAttention)
    {
        string attention = crossAttention ? " + attention, cross-attention" : " + attention";
        bool encoder = outputs > 0;
        string Res(int level) => Int(s.Resolution(level)) + "x" + Int(s.Resolution(level));
        var tree = new List<string> { "input conv   " + Int(s.InChannels) + " -> " + Int(s.Channels(0)) + " channels at " + Res(0) };
        for (int level = 0; level < s.Levels; level++)
        {
            tree.Add("down " + Int(level) + "       " + Int(s.ResBlocks) + " x ResBlock(" + Int(s.Channels(level)) + ")"
                + (s.HasAttention(level) ? attention : "") + " at " + Res(level) + (level < s.Levels - 1 ? ", downsample" : ""));
        }
        tree.Add("middle       ResBlock, attention, " + (crossAttention ? "cross-attention, " : "") + "ResBlock at " + Res(s.Levels - 1));
        if (encoder)
        {
            tree.Add("head         GroupNorm, SiLU, global average pooling, 1x1 conv to " + Int(outputs) + " logits");
            return tree;
        }
        for (int level = s.Levels - 1; level >= 0; level--)
        {
            tree.Add("up " + Int(level) + "         " + Int(s.ResBlocks + 1) + " x ResBlock(skip, " + Int(s.Channels(level)) + ")"
                + (s.HasAttention(level) ? attention : "") + " at " + Res(level) + (level > 0 ? ", upsample" : ""));
        }
        tree.Add("output       GroupNorm, SiLU, 3x3 conv to " + (learnSigma ? "2C (prediction + variance values)" : "C"));
        return tree;
    }

    /// <summary>The pyramid's entries of ModelDescription.Network (and the input's when <paramref name="withIo"/>).</summary>
    public static IReadOnlyList<UNetDescriptionEntry> DescriptionEntries(string network, UNetShape s, bool withIo)
    {
        var entries = new List<UNetDescriptionEntry>();
        if (withIo)
        {
            entries.Add(new("input_size", network + ".InputSize"));
            entries.Add(new("in_channels", network + ".InChannels"));
        }
        entries.Add(new("base_channels", network + ".BaseChannels"));
        entries.Add(new("levels", Int(s.Levels)));
        for (int level = 0; level < s.Levels; level++) entries.Add(new("channel_multiplier_" + Int(level), Int(s.Multipliers[level])));
        entries.Add(new("res_blocks", network + ".ResBlocks"));
        for (int level = 0; level < s.Levels; level++)
        {
            if (s.HasAttention(level)) entries.Add(new("attention_" + Int(s.Resolution(level)), "1"));
        }
        entries.Add(new("heads", network + ".Heads"));
        entries.Add(new("dropout", network + ".Dropout"));
        entries.Add(new("scale_shift_norm", s.ScaleShiftNorm ? "1" : "0"));
        entries.Add(new("norm_groups", network + ".NormGroups"));
        return entries;
    }

    private static string ShapeOf(UNetBlock b) => "(N, " + Int(b.OutChannels) + ", " + Int(b.Resolution) + ", " + Int(b.Resolution) + ")";

    private static EquatableArray<string> Code(params string[] lines) => new(lines);

    // Parameter counts of the layers (weights + biases), as PyTorch counts them.
    private static long Conv(long i, long o, long k) => k * k * i * o + o;

    private static long Linear(long i, long o) => i * o + o;

    private static long Res(long i, long o, long e, bool scaleShift) =>
        2 * i + Conv(i, o, 3) + Linear(e, scaleShift ? 2 * o : o) + 2 * o + Conv(o, o, 3) + (i != o ? Conv(i, o, 1) : 0);

    private static long Attention(long c) => 2 * c + Conv(c, 3 * c, 1) + Conv(c, c, 1);

    // CrossAttentionBlock: GroupNorm, q_linear, kv_linear from the tokens, proj; none without tokens.
    private static long CrossAttention(long c, long tokenDim) =>
        tokenDim == 0 ? 0 : 2 * c + Linear(c, c) + Linear(tokenDim, 2 * c) + Linear(c, c);
}
