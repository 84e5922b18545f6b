using System.Collections.Generic;
using System.Linq;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Model;

/// <summary>
/// One half of a declared autoencoder, computed once from its spec by one walk of the pyramid (LDM's Encoder or
/// Decoder, CompVis/latent-diffusion ldm/modules/diffusionmodules/model.py): the fields in call order with their
/// parameter counts, the forward pass line by line with shapes, and the summary tree. The emitter prints projections
/// of it, so the fields, the forward pass and the counts cannot disagree.
/// </summary>
/// <param name="Fields">Submodules in call order; a construction spanning lines has them separated by '\n'.</param>
/// <param name="Forward">The forward pass, from x (encoder) or z (decoder) to the value returned.</param>
/// <param name="Tree">The architecture, one line per stage, for the class summary.</param>
internal sealed record AutoencoderHalf(
    EquatableArray<PlanField> Fields,
    EquatableArray<PlanLine> Forward,
    EquatableArray<string> Tree)
{
    /// <summary>Scalar parameters, the sum over <see cref="Fields"/>.</summary>
    public long ParameterCount => Fields.Sum(f => f.Parameters);
}

/// <summary>The two halves of an [Autoencoder]: <see cref="Encoder"/> and <see cref="Decoder"/>.</summary>
internal static class AutoencoderPlan
{
    /// <summary>
    /// conv_in (to level 0's channels, which LDM's ch_mult[0] = 1 makes BaseChannels), per level ResBlocks residual blocks and (but at the last level) a downsampling, the middle (residual
    /// block, self-attention, residual block), then GroupNorm, SiLU and a 3x3 conv to 2 x LatentChannels: the mean
    /// and log-variance of q(z | x) (LDM's Encoder with double_z = True).
    /// </summary>
    public static AutoencoderHalf Encoder(AutoencoderSpec s)
    {
        string T(string alias) => AutoencoderAliases.Resolve(alias, s.Shadowed);
        int size = s.InputSize, ch = s.Channels(0), last = s.Levels - 1;
        var fields = new List<PlanField>
        {
            new("conv_in", T("Conv2d"), Conv(T, "InChannels", ch), Conv(s.InChannels, ch, 3), "3x3 conv from the image to the first level's channels."),
        };
        var forward = new List<PlanLine> { new("var h = conv_in.call(x);", Shape(ch, size), "3x3 conv") };
        var tree = new List<string> { Row("conv_in", Int(s.InChannels) + " -> " + Int(ch) + " channels at " + Square(size)) };

        var levels = new List<string>();
        long levelParameters = 0;
        for (int level = 0; level <= last; level++)
        {
            var blocks = new List<string>();
            int outChannels = s.Channels(level);
            for (int k = 0; k < s.ResBlocks; k++)
            {
                blocks.Add(Resnet(T, ch, outChannels));
                levelParameters += ResnetParameters(ch, outChannels);
                ch = outChannels;
            }
            string what = Int(s.ResBlocks) + " x ResnetBlock(" + Int(outChannels) + ") at " + Square(size);
            if (level < last)
            {
                blocks.Add("new " + T("Downsample") + "(" + Int(ch) + ")");
                levelParameters += ConvParameters(ch, ch, 3);
                size /= 2;
                what += ", downsample";
            }
            levels.Add(Sequential(T, blocks));
            forward.Add(new("h = down[" + Int(level) + "].call(h);", Shape(ch, size), what));
            tree.Add(Row("down " + Int(level), what));
        }
        fields.Add(new("down", T("Levels"), List(T, levels), levelParameters,
            "Per level: residual blocks, then (but at the last level) a stride-2 conv."));
        AddMiddle(s, T, fields, forward, tree, ch, size);
        fields.Add(new("norm_out", T("GroupNorm"), T("Normalization") + ".GroupNorm(NormGroups, " + Int(ch) + ")", NormParameters(ch), "GroupNorm before the output conv."));
        fields.Add(new("conv_out", T("Conv2d"), Conv(T, Int(ch), "2 * LatentChannels"), ConvParameters(ch, 2 * s.LatentChannels, 3),
            "3x3 conv to the posterior's mean and log-variance, stacked on the channels."));
        forward.Add(new("h = " + T("torch") + ".nn.functional.silu(norm_out.call(h));", Shape(ch, size), "GroupNorm, SiLU"));
        forward.Add(new("var moments = conv_out.call(h);", Shape(2 * s.LatentChannels, size), "mu and log sigma^2 of q(z | x)"));
        tree.Add(Row("out", "GroupNorm, SiLU, 3x3 conv to 2 x " + Int(s.LatentChannels) + " channels (mean, log-variance)"));
        return new AutoencoderHalf(new(fields), new(forward), new(tree));
    }

    /// <summary>
    /// conv_in from the latent, the middle, per level from the lowest ResBlocks + 1 residual blocks and (but at the
    /// input level) an upsampling, then GroupNorm, SiLU and a 3x3 conv to the image's channels (LDM's Decoder).
    /// </summary>
    public static AutoencoderHalf Decoder(AutoencoderSpec s)
    {
        string T(string alias) => AutoencoderAliases.Resolve(alias, s.Shadowed);
        int last = s.Levels - 1, size = s.Resolution(last), ch = s.Channels(last);
        var fields = new List<PlanField>
        {
            new("conv_in", T("Conv2d"), Conv(T, "LatentChannels", ch), ConvParameters(s.LatentChannels, ch, 3), "3x3 conv from the latent to the lowest level's channels."),
        };
        var forward = new List<PlanLine> { new("var h = conv_in.call(z);", Shape(ch, size), "3x3 conv") };
        var tree = new List<string> { Row("conv_in", Int(s.LatentChannels) + " -> " + Int(ch) + " channels at " + Square(size)) };
        AddMiddle(s, T, fields, forward, tree, ch, size);

        // Built in level order (up[i] works at level i, as LDM's self.up), called from the lowest level up.
        var levels = new string[s.Levels];
        var calls = new List<PlanLine>();
        var rows = new List<string>();
        long levelParameters = 0;
        for (int level = last; level >= 0; level--)
        {
            var blocks = new List<string>();
            int outChannels = s.Channels(level);
            for (int k = 0; k < s.ResBlocks + 1; k++)
            {
                blocks.Add(Resnet(T, ch, outChannels));
                levelParameters += ResnetParameters(ch, outChannels);
                ch = outChannels;
            }
            string what = Int(s.ResBlocks + 1) + " x ResnetBlock(" + Int(outChannels) + ") at " + Square(size);
            if (level > 0)
            {
                blocks.Add("new " + T("Upsample") + "(" + Int(ch) + ")");
                levelParameters += ConvParameters(ch, ch, 3);
                size *= 2;
                what += ", upsample";
            }
            levels[level] = Sequential(T, blocks);
            forward.Add(new("h = up[" + Int(level) + "].call(h);", Shape(ch, size), what));
            tree.Add(Row("up " + Int(level), what));
        }
        fields.Add(new("up", T("Levels"), List(T, levels), levelParameters,
            "up[i]: level i's residual blocks, then (but at level 0) an upsampling; lowest first."));
        fields.Add(new("norm_out", T("GroupNorm"), T("Normalization") + ".GroupNorm(NormGroups, " + Int(ch) + ")", NormParameters(ch), "GroupNorm before the output conv."));
        fields.Add(new("conv_out", T("Conv2d"), Conv(T, Int(ch), "InChannels"), ConvParameters(ch, s.InChannels, 3), "3x3 conv to the image's channels."));
        forward.Add(new("h = " + T("torch") + ".nn.functional.silu(norm_out.call(h));", Shape(ch, size), "GroupNorm, SiLU"));
        forward.Add(new("var image = conv_out.call(h);", Shape(s.InChannels, size), "the reconstruction"));
        tree.Add(Row("out", "GroupNorm, SiLU, 3x3 conv to " + Int(s.InChannels) + " channels"));
        return new AutoencoderHalf(new(fields), new(forward), new(tree));
    }

    /// <summary>The middle at the lowest resolution: ResnetBlock, single-head self-attention, ResnetBlock (LDM's mid).</summary>
    private static void AddMiddle(AutoencoderSpec s, System.Func<string, string> T, List<PlanField> fields, List<PlanLine> forward, List<string> tree, int ch, int size)
    {
        var construction = Sequential(T, new[] { Resnet(T, ch, ch), "new " + T("AttentionBlock") + "(" + Int(ch) + ", 1, NormGroups)", Resnet(T, ch, ch) });
        fields.Add(new("mid", T("Sequential"), construction, 2 * ResnetParameters(ch, ch) + AttentionParameters(ch),
            "ResnetBlock, one-head self-attention (LDM's AttnBlock), ResnetBlock."));
        forward.Add(new("h = mid.call(h);", Shape(ch, size), "ResnetBlock, attention, ResnetBlock"));
        tree.Add(Row("mid", "ResnetBlock, attention, ResnetBlock at " + Square(size)));
    }

    /// <summary>Scalar parameters of a k x k convolution with bias from <paramref name="a"/> to <paramref name="b"/> channels.</summary>
    public static long ConvParameters(int a, int b, int k) => (long)b * a * k * k + b;

    /// <summary>A GroupNorm's weight and bias.</summary>
    public static long NormParameters(int c) => 2L * c;

    /// <summary>norm1, conv1, norm2, conv2 and, when the channels change, the 1x1 nin_shortcut.</summary>
    public static long ResnetParameters(int a, int b) =>
        NormParameters(a) + ConvParameters(a, b, 3) + NormParameters(b) + ConvParameters(b, b, 3) + (a == b ? 0 : ConvParameters(a, b, 1));

    /// <summary>The attention block's norm, 1x1 qkv (3C) and 1x1 output projection.</summary>
    public static long AttentionParameters(int c) => NormParameters(c) + ConvParameters(c, 3 * c, 1) + ConvParameters(c, c, 1);

    private static string Conv(System.Func<string, string> T, string from, string to) =>
        T("torch") + ".nn.Conv2d(" + from + ", " + to + ", kernel_size: 3, padding: 1)";

    private static string Conv(System.Func<string, string> T, string from, int to) => Conv(T, from, Int(to));

    private static long Conv(int a, int b, int k) => ConvParameters(a, b, k);

    private static string Resnet(System.Func<string, string> T, int a, int b) =>
        "new " + T("ResnetBlock") + "(" + Int(a) + ", " + Int(b) + ", NormGroups)";

    /// <summary>
    /// torch.nn.Sequential(blocks) on one line when it fits the generated file's width inside a ModuleList (16 columns
    /// in), else one block per line.
    /// </summary>
    private static string Sequential(System.Func<string, string> T, IReadOnlyList<string> blocks)
    {
        var one = T("torch") + ".nn.Sequential(" + string.Join(", ", blocks) + ")";
        return 16 + one.Length + 2 <= MaxLine ? one : T("torch") + ".nn.Sequential(\n    " + string.Join(",\n    ", blocks) + ")";
    }

    private static string List(System.Func<string, string> T, IReadOnlyList<string> levels) =>
        T("torch") + ".nn.ModuleList(\n    " + string.Join(",\n    ", levels.Select(l => l.Replace("\n", "\n    "))) + ")";

    private static string Shape(int channels, int size) => "(N, " + Int(channels) + ", " + Int(size) + ", " + Int(size) + ")";

    private static string Square(int size) => Int(size) + "x" + Int(size);

    private static string Row(string stage, string what) => stage.PadRight(12) + " " + what;
}
