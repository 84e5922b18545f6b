using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits the files of an [Autoencoder] (Rombach et al. 2022, KL-f): {Type}.Encoder.g.cs and {Type}.Decoder.g.cs (the
/// two networks, nested in the class, printed from their <see cref="AutoencoderPlan"/> halves),
/// {Type}.Autoencoder.g.cs (the class itself: constants, <c>Encode</c>, <c>Decode</c>, the description) and
/// {Type}.Loss.g.cs (the training loss).
/// </summary>
internal static class AutoencoderEmitter
{
    private const string LdmSource = "CompVis/latent-diffusion, ldm/modules/diffusionmodules/model.py";

    public static IEnumerable<(string HintName, string Source)> Emit(AutoencoderSpec s)
    {
        var encoder = AutoencoderPlan.Encoder(s);
        var decoder = AutoencoderPlan.Decoder(s);
        yield return (s.Type.HintName("Encoder"), Half(s, encoder, "EncoderNetwork", "x",
            "The encoder of " + s.Type.Name + " (Rombach et al. 2022, Appendix G; LDM's Encoder with double_z)",
            "Input x (N, " + Int(s.InChannels) + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + ") in [-1, 1]; output (N, "
                + Int(2 * s.LatentChannels) + ", " + Int(s.LatentSize) + ", " + Int(s.LatentSize)
                + "): the mean and log-variance of q(z | x), stacked on the channels.",
            "moments"));
        yield return (s.Type.HintName("Decoder"), Half(s, decoder, "DecoderNetwork", "z",
            "The decoder of " + s.Type.Name + " (Rombach et al. 2022, Appendix G; LDM's Decoder)",
            "Input z (N, " + Int(s.LatentChannels) + ", " + Int(s.LatentSize) + ", " + Int(s.LatentSize) + "); output (N, "
                + Int(s.InChannels) + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + "), images in about [-1, 1].",
            "image"));
        yield return (s.Type.HintName("Autoencoder"), Model(s, encoder, decoder));
        yield return (s.Type.HintName("Loss"), Loss(s));
    }

    private static string A(AutoencoderSpec s, string alias) => AutoencoderAliases.Resolve(alias, s.Shadowed);

    /// <summary>A nested network class: its summary tree, parameter count, fields, constructor and forward pass.</summary>
    private static string Half(AutoencoderSpec s, AutoencoderHalf half, string name, string input, string title, string io, string output)
    {
        var w = new CodeWriter();
        w.Header(s.Type);
        var used = new List<string> { "torch", "Tensor" };
        used.AddRange(half.Fields.Select(f => f.Type));
        used.AddRange(AutoencoderAliases.All.Select(a => a.Name).Where(a => half.Fields.Any(f => f.Construction.Contains(a + "(") || f.Construction.Contains(a + "."))));
        w.Aliases(AutoencoderAliases.Only(used.Distinct().ToArray()), s.Shadowed);
        w.Open("partial class " + Identifier(s.Type.Name));
        w.Line("/// <summary>");
        w.Doc(title + " on " + Int(s.InputSize) + " x " + Int(s.InputSize) + " x " + Int(s.InChannels) + " images, "
            + half.ParameterCount.ToString("N0", CultureInfo.InvariantCulture) + " parameters:");
        w.Line("/// <code>");
        foreach (var row in half.Tree) w.Line("/// " + row);
        w.Line("/// </code>");
        w.Doc(io);
        w.Doc("Field names are LDM's (" + LdmSource + ").");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("public sealed class " + name + " : " + A(s, "torch") + ".nn.Module<" + A(s, "Tensor") + ", " + A(s, "Tensor") + ">");
        w.Lines(
            "/// <summary>Scalar parameters, as PyTorch counts them.</summary>",
            "public const long ParameterCount = " + half.ParameterCount.ToString(CultureInfo.InvariantCulture) + ";",
            "");
        foreach (var field in half.Fields)
        {
            w.Line("/// <summary>" + field.Doc + "</summary>");
            w.Line("private readonly " + field.Type + " " + field.Name + ";");
            w.Line();
        }
        w.Line("/// <summary>Builds the network with fresh weights from torch's global generator.</summary>");
        w.Open("public " + name + "() : base(nameof(" + name + "))");
        foreach (var field in half.Fields)
        {
            var lines = (field.Name + " = " + field.Construction + ";").Split('\n');
            foreach (var line in lines) w.Line(line);
        }
        w.Line("RegisterComponents();");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Doc(io);
        w.Line("/// </summary>");
        w.Open("public override " + A(s, "Tensor") + " forward(" + A(s, "Tensor") + " " + input + ")");
        w.Line("using var scope = " + A(s, "torch") + ".NewDisposeScope();");
        foreach (var line in half.Forward) w.Commented(line.Code, line.Shape + ": " + line.Note, column: 48);
        w.Line("return " + output + ".MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }

    /// <summary>The declared class: a module of the encoder and decoder, with Encode, Decode and the description.</summary>
    private static string Model(AutoencoderSpec s, AutoencoderHalf encoder, AutoencoderHalf decoder)
    {
        var w = new CodeWriter();
        w.Header(s.Type);
        w.Aliases(AutoencoderAliases.Only("torch", "Tensor", "DiagonalGaussian", "IAutoencoder", "ITrainableModel", "ModelDescription",
            "ScheduleKind", "Hyperparameters", "ReadOnlyHyperparameters", "ArgumentNullException"), s.Shadowed);
        string tensor = A(s, "Tensor"), torch = A(s, "torch"), nullCheck = A(s, "ArgumentNullException");
        string multipliers = string.Join(", ", s.ChannelMultipliers.Select(Int));
        w.Line("/// <summary>");
        w.Doc("The KL-regularised autoencoder declared on " + s.Type.Name + " (Rombach et al. 2022, Sec. 3, KL-f with f = "
            + Int(s.DownsamplingFactor) + "), " + (encoder.ParameterCount + decoder.ParameterCount).ToString("N0", CultureInfo.InvariantCulture) + " parameters:");
        w.Lines(
            "/// <code>",
            "/// image     x (N, " + Int(s.InChannels) + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + ") in [-1, 1]",
            "/// encoder   EncoderNetwork -> mu, log sigma^2 (N, " + Int(s.LatentChannels) + ", " + Int(s.LatentSize) + ", " + Int(s.LatentSize) + "): q(z | x)",
            "/// latent    z = mu + sigma eps (training) or mu (Encode(x).Mode())",
            "/// decoder   DecoderNetwork -> x_hat (N, " + Int(s.InChannels) + ", " + Int(s.InputSize) + ", " + Int(s.InputSize) + ")",
            "/// loss      |x - x_hat|_1 + " + Double(s.KlWeight) + " KL(q(z | x) || N(0, I))",
            "/// </code>");
        w.Doc("Its forward pass reconstructs through the posterior's mean. The encoder and decoder are callable on their own (Encode, Decode).");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + Identifier(s.Type.Name) + " : " + torch + ".nn.Module<" + tensor + ", " + tensor + ">, " + A(s, "IAutoencoder"));
        w.Lines(
            "/// <summary>Height and width of the image.</summary>",
            "public const int InputSize = " + Int(s.InputSize) + ";",
            "",
            "/// <summary>Channels C of the image.</summary>",
            "public const int InChannels = " + Int(s.InChannels) + ";",
            "",
            "/// <summary>f: the latent is f times smaller than the image in height and width, 2^(levels - 1).</summary>",
            "public const int DownsamplingFactor = " + Int(s.DownsamplingFactor) + ";",
            "",
            "/// <summary>Channels of the latent z.</summary>",
            "public const int LatentChannels = " + Int(s.LatentChannels) + ";",
            "",
            "/// <summary>Height and width of the latent.</summary>",
            "public const int LatentSize = InputSize / DownsamplingFactor;",
            "",
            "/// <summary>Channels of level 0; level i has BaseChannels x ChannelMultipliers[i].</summary>",
            "public const int BaseChannels = " + Int(s.BaseChannels) + ";",
            "",
            "/// <summary>Residual blocks per encoder level; the decoder has one more per level (LDM).</summary>",
            "public const int ResBlocks = " + Int(s.ResBlocks) + ";",
            "",
            "/// <summary>Groups of every GroupNorm.</summary>",
            "public const int NormGroups = " + Int(s.NormGroups) + ";",
            "",
            "/// <summary>The weight of KL(q(z | x) || N(0, I)) in the training loss (Rombach et al. 2022, Sec. 3).</summary>",
            "public const double KlWeight = " + Double(s.KlWeight) + ";",
            "",
            "/// <summary>One channel multiplier per level, from the input resolution down.</summary>",
            "public static global::System.Collections.Generic.IReadOnlyList<int> ChannelMultipliers { get; } = new[] { " + multipliers + " };",
            "",
            "/// <summary>Scalar parameters of the encoder and decoder, as PyTorch counts them.</summary>",
            "public const long ParameterCount = EncoderNetwork.ParameterCount + DecoderNetwork.ParameterCount;",
            "",
            "/// <summary>x to the posterior's moments.</summary>",
            "private readonly EncoderNetwork encoder;",
            "",
            "/// <summary>z to the image.</summary>",
            "private readonly DecoderNetwork decoder;",
            "",
            "/// <summary>An autoencoder with fresh weights from torch's global generator, the encoder's first.</summary>",
            "public " + Identifier(s.Type.Name) + "() : base(nameof(" + Identifier(s.Type.Name) + "))",
            "{",
            "    encoder = new EncoderNetwork();",
            "    decoder = new DecoderNetwork();",
            "    RegisterComponents();",
            "}",
            "",
            "/// <summary>The encoder network: x (N, C, H, W) to the moments (N, 2 LatentChannels, h, w).</summary>",
            "public EncoderNetwork Encoder => encoder;",
            "",
            "/// <summary>The decoder network: z (N, LatentChannels, h, w) to images (N, C, H, W).</summary>",
            "public DecoderNetwork Decoder => decoder;",
            "",
            A(s, "torch") + ".nn.Module " + A(s, "ITrainableModel") + ".Network => this;",
            "",
            "int " + A(s, "IAutoencoder") + ".DownsamplingFactor => DownsamplingFactor;",
            "",
            "int " + A(s, "IAutoencoder") + ".LatentChannels => LatentChannels;",
            "",
            "int " + A(s, "IAutoencoder") + ".LatentSize => LatentSize;",
            "",
            "double " + A(s, "IAutoencoder") + ".KlWeight => KlWeight;",
            "",
            "/// <summary>The declaration as data, stored beside checkpoints; no noise schedule (0 timesteps).</summary>",
            "public " + A(s, "ModelDescription") + " Description { get; } = new " + A(s, "ModelDescription") + "(",
            "    Name: \"" + s.Type.Name + "\",",
            "    Channels: InChannels,",
            "    ImageSize: InputSize,",
            "    Classes: null,",
            "    Predicts: null,",
            "    Schedule: " + A(s, "ScheduleKind") + ".Linear,",
            "    Timesteps: 0,",
            "    Network: new " + A(s, "ReadOnlyHyperparameters") + "(new " + A(s, "Hyperparameters"),
            "    {",
            "        [\"autoencoder\"] = 1,",
            "        [\"downsampling_factor\"] = DownsamplingFactor,",
            "        [\"latent_channels\"] = LatentChannels,",
            "        [\"base_channels\"] = BaseChannels,");
        for (int i = 0; i < s.Levels; i++) w.Line("        [\"channel_mult_" + Int(i) + "\"] = " + Int(s.ChannelMultipliers[i]) + ",");
        w.Lines(
            "        [\"res_blocks\"] = ResBlocks,",
            "        [\"norm_groups\"] = NormGroups,",
            "        [\"kl_weight\"] = KlWeight,",
            "    }));",
            "");
        w.Lines(
            "/// <summary>",
            "/// The posterior q(z | x) = N(mu, diag(sigma^2)) for images x (N, C, H, W) in [-1, 1] (Rombach et al. 2022,",
            "/// Sec. 3): the encoder's two halves along the channels, log sigma^2 clamped to [-30, 20] as LDM does.",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("public " + A(s, "DiagonalGaussian") + " Encode(" + tensor + " x)");
        w.Line("if (x is null) throw new " + nullCheck + "(nameof(x));");
        w.Line("using var scope = " + torch + ".NewDisposeScope();");
        w.Commented("var moments = encoder.call(x);", "(N, " + Int(2 * s.LatentChannels) + ", " + Int(s.LatentSize) + ", " + Int(s.LatentSize) + ")");
        w.Line("return " + A(s, "DiagonalGaussian") + ".FromMoments(moments).MoveToOuterDisposeScope();");
        w.Close();
        w.Line();
        w.Line("/// <summary>Images (N, C, H, W) decoded from latents z (N, LatentChannels, h, w).</summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " Decode(" + tensor + " z)");
        w.Line("if (z is null) throw new " + nullCheck + "(nameof(z));");
        w.Line("return decoder.call(z);");
        w.Close();
        w.Line();
        w.Line("/// <summary>The reconstruction Decode(Encode(x).Mode()) (N, C, H, W) of images x (N, C, H, W).</summary>");
        w.Open("public override " + tensor + " forward(" + tensor + " x)");
        w.Line("using var scope = " + torch + ".NewDisposeScope();");
        w.Line("using var posterior = Encode(x);");
        w.Commented("var reconstruction = decoder.call(posterior.Mean);", "(N, C, H, W)");
        w.Line("return reconstruction.MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }

    /// <summary>The training loss: L1 reconstruction of a posterior sample plus the weighted KL.</summary>
    private static string Loss(AutoencoderSpec s)
    {
        var w = new CodeWriter();
        w.Header(s.Type);
        w.Aliases(AutoencoderAliases.Only("torch", "Tensor", "Generator", "Scalars", "ArgumentNullException"), s.Shadowed);
        string tensor = A(s, "Tensor"), torch = A(s, "torch"), nullCheck = A(s, "ArgumentNullException");
        w.Open("partial class " + Identifier(s.Type.Name));
        w.Lines(
            "/// <summary>Height, width and channels: the dimensions an image's error is summed over.</summary>",
            "private static readonly long[] ImageDimensions = { 1, 2, 3 };",
            "",
            "/// <summary>",
            "/// The KL-f autoencoder's objective (Rombach et al. 2022, Sec. 3 and Appendix G; LDM's LPIPSWithDiscriminator",
            "/// without its perceptual and adversarial terms):",
            "/// <code>",
            "/// L = mean_n sum_pixels |x - D(z)| + KlWeight mean_n KL(q(z | x) || N(0, I)),   z ~ q(z | x)",
            "/// </code>",
            "/// the reconstruction error and the KL each summed over one image's elements, then averaged over the batch, as",
            "/// LDM sums them (so its KL weights carry over). L1, as LDM's reconstruction term, for sharper reconstructions than",
            "/// L2, whose optimum is the blurred conditional mean. x0 (N, C, H, W) in [-1, 1]; labels are not used (an",
            "/// autoencoder trains on images alone). Every random draw comes from <paramref name=\"generator\"/>.",
            "/// Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " TrainingLoss", new[] { tensor + " x0", tensor + "? labels", A(s, "Generator") + " generator" });
        w.Open();
        w.Lines(
            "if (x0 is null) throw new " + nullCheck + "(nameof(x0));",
            "if (generator is null) throw new " + nullCheck + "(nameof(generator));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "using var klWeight = " + A(s, "Scalars") + ".ToScalar(KlWeight);    // created once per call, not per operation",
            "");
        int step = 1;
        w.Step(ref step, "q(z | x) = N(mu, diag(sigma^2)) from the encoder (Rombach et al. 2022, Sec. 3)");
        w.Line("using var posterior = Encode(x0);");
        w.Line();
        w.Step(ref step, "z = mu + sigma eps, eps ~ N(0, I): the reparameterisation trick (Kingma and Welling 2014, Sec. 2.4)");
        w.Commented("var z = posterior.Sample(generator);", "(N, " + Int(s.LatentChannels) + ", " + Int(s.LatentSize) + ", " + Int(s.LatentSize) + ")");
        w.Commented("var reconstruction = decoder.call(z);", "(N, C, H, W)");
        w.Line();
        w.Step(ref step, "sum_pixels |x - D(z)|, averaged over the batch (the L1 term of LDM's LPIPSWithDiscriminator)");
        w.Commented("var error = (x0 - reconstruction).abs().sum(ImageDimensions).mean();", "()");
        w.Line();
        w.Step(ref step, "KL(q(z | x) || N(0, I)) = 0.5 sum(mu^2 + sigma^2 - 1 - log sigma^2) (Kingma and Welling 2014, Appendix B), averaged over the batch");
        w.Commented("var kl = posterior.KlToStandardNormal().mean();", "()");
        w.Line();
        w.Step(ref step, "L = reconstruction + KlWeight KL (Rombach et al. 2022, Sec. 3)");
        w.Line("return error.add(kl, klWeight).MoveToOuterDisposeScope();");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
