using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.SuperResolution.g.cs for a [SuperResolution] model (Ho et al. 2021, "Cascaded Diffusion
/// Models", Sec. 3 and 4): the declared sizes and augmentation as constants, the augmentation's training draws, the
/// conditioning a training image and a low-resolution image give (area average, noise conditioning augmentation,
/// bilinear upsampling: Diffusion.Runtime.Cascades), the network with its conditioning, and <c>SampleFrom</c>.
/// </summary>
internal static class SuperResolutionEmitter
{
    /// <summary>"Gaussian augmentation (levels 0..250), sampling level 0": the model summary's words.</summary>
    public static string AugmentationSummary(SuperResolutionSpec sr) => sr.Augmentation switch
    {
        NoiseAugmentation.Gaussian => "Gaussian augmentation (levels " + Int(sr.MinLevel) + ".." + Int(sr.MaxLevel) + "), sampling level "
            + Double(sr.SamplingLevel),
        NoiseAugmentation.Blur => "blur augmentation (sigma " + Double(sr.MinBlurSigma) + ".." + Double(sr.MaxBlurSigma) + "), sampling sigma "
            + Double(sr.SamplingLevel),
        _ => "no augmentation",
    };

    public static string Emit(ModelSpec m)
    {
        var sr = m.SuperResolution!;
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "torch", "Tensor", "Generator", "Device", "SampleRequest", "SamplerKind", "OnStep", "NoiseAugmentation",
            "ISuperResolutionModel", "AugmentationDraws", "Resolution", "ConditionedDenoiser", "ArgumentNullException", "ArgumentException");
        var tensor = names.Tensor;
        var torch = names.Torch;
        var draws = names["AugmentationDraws"];
        var resolution = names["Resolution"];
        var augmentationType = names["NoiseAugmentation"];
        var nullException = names["ArgumentNullException"];
        var low = Int(sr.FromSize) + " x " + Int(sr.FromSize);
        var high = Int(sr.ImageSize) + " x " + Int(sr.ImageSize);
        var block = Int(sr.Factor) + " x " + Int(sr.Factor);
        var augmented = sr.Augmentation switch
        {
            NoiseAugmentation.Gaussian => "z_s = sqrt(abar_s) z + sqrt(1 - abar_s) eps, s ~ U{" + Int(sr.MinLevel) + ", ..., " + Int(sr.MaxLevel) + "}",
            NoiseAugmentation.Blur => "Gaussian blur, sigma ~ U[" + Double(sr.MinBlurSigma) + ", " + Double(sr.MaxBlurSigma) + ")",
            _ => "as it is (no augmentation)",
        };
        w.Lines(
            "/// <summary>",
            "/// The super-resolution stage declared on " + m.Type.Name + " (Ho et al. 2021, \"Cascaded Diffusion Models\", Sec. 3):",
            "/// <code>",
            "/// training  x_0 " + high + " -> area average of " + block + " blocks -> z, " + low,
            "///           -> " + augmented,
            "///           -> bilinear to " + high + " -> concatenated with x_t in " + m.Network.Type.Name + ", s embedded like t",
            "/// sampling  the stage below's " + low + " images -> augmented once at the fixed level (default "
                + Double(sr.SamplingLevel) + ") -> bilinear",
            "/// </code>",
            "/// Labels and classifier-free guidance work as on any model: the null label drops the class, never the",
            "/// low-resolution image.",
            "/// </summary>");
        w.Open("partial class " + Identifier(m.Type.Name) + " : " + names["ISuperResolutionModel"]);
        w.Lines(
            "/// <summary>Height and width of the low-resolution image the stage is conditioned on.</summary>",
            "public const int FromSize = " + Int(sr.FromSize) + ";",
            "",
            "/// <summary>Height and width of the images the stage generates (its network's InputSize).</summary>",
            "public const int ImageSize = " + names.Network + ".InputSize;",
            "",
            "/// <summary>How training corrupts the low-resolution image (Ho et al. 2021, Sec. 4.1 and 4.2).</summary>",
            "public const " + augmentationType + " Augmentation = " + augmentationType + "." + sr.Augmentation + ";",
            "");
        if (sr.Augmentation == NoiseAugmentation.Gaussian)
        {
            w.Lines(
                "/// <summary>Lowest Gaussian level s drawn in training (s forward steps; abar_0 = 1).</summary>",
                "public const int MinLevel = " + Int(sr.MinLevel) + ";",
                "",
                "/// <summary>Highest Gaussian level s drawn in training.</summary>",
                "public const int MaxLevel = " + Int(sr.MaxLevel) + ";",
                "");
        }
        else if (sr.Augmentation == NoiseAugmentation.Blur)
        {
            w.Lines(
                "/// <summary>Smallest blur sigma drawn in training, in low-resolution pixels.</summary>",
                "public const double MinBlurSigma = " + Double(sr.MinBlurSigma) + ";",
                "",
                "/// <summary>Largest blur sigma drawn in training, in low-resolution pixels.</summary>",
                "public const double MaxBlurSigma = " + Double(sr.MaxBlurSigma) + ";",
                "");
        }
        w.Lines(
            "/// <summary>The declared augmentation level at sampling (0: none).</summary>",
            "public const double SamplingLevel = " + Double(sr.SamplingLevel) + ";",
            "",
            "int " + names["ISuperResolutionModel"] + ".FromSize => FromSize;",
            "",
            "int " + names["ISuperResolutionModel"] + ".ImageSize => ImageSize;",
            "",
            augmentationType + " " + names["ISuperResolutionModel"] + ".Augmentation => Augmentation;",
            "",
            "double " + names["ISuperResolutionModel"] + ".SamplingLevel => SamplingLevel;",
            "");

        // The training draws.
        var (min, max) = sr.Augmentation switch
        {
            NoiseAugmentation.Gaussian => ("MinLevel", "MaxLevel"),
            NoiseAugmentation.Blur => ("MinBlurSigma", "MaxBlurSigma"),
            _ => ("0", "0"),
        };
        w.Line("/// <summary>");
        w.Doc("The augmentation's draws for a training batch of <paramref name=\"shape\"/> (N, C, H, W), after the diffusion's: "
            + (sr.Augmentation switch
            {
                NoiseAugmentation.Gaussian => "s ~ Uniform{MinLevel, ..., MaxLevel} per image, then eps ~ N(0, I) of the low-resolution shape (Ho et al. 2021, Sec. 4.1).",
                NoiseAugmentation.Blur => "sigma ~ Uniform[MinBlurSigma, MaxBlurSigma) per image (Ho et al. 2021, Sec. 4.2).",
                _ => "none; the levels are 0.",
            }));
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("public " + draws + " DrawAugmentation(long[] shape, " + names["Device"] + " device, " + names["Generator"] + " generator)");
        w.Lines(
            "if (shape is null) throw new " + nullException + "(nameof(shape));",
            "var lowResolutionShape = new[] { shape[0], shape[1], FromSize, FromSize };    // (N, C, h, w)",
            "return " + draws + ".Draw(Augmentation, lowResolutionShape, " + min + ", " + max + ", device, generator);");
        w.Close();
        w.Line();

        // The conditioning of a low-resolution image, then of a training image.
        w.Line("/// <summary>");
        w.Doc("The network's conditioning (N, C, " + Int(sr.ImageSize) + ", " + Int(sr.ImageSize) + ") from low-resolution images (N, C, "
            + Int(sr.FromSize) + ", " + Int(sr.FromSize) + ") at the augmentation draws <paramref name=\"augmentation\"/>.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " Conditioning(" + tensor + " lowResolution, " + draws + " augmentation)");
        w.Lines(
            "if (lowResolution is null) throw new " + nullException + "(nameof(lowResolution));",
            "if (augmentation is null) throw new " + nullException + "(nameof(augmentation));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "");
        int step = 1;
        switch (sr.Augmentation)
        {
            case NoiseAugmentation.Gaussian:
                w.Step(ref step, "Noise conditioning augmentation: z_s = sqrt(abar_s) z + sqrt(1 - abar_s) eps, q(z_s | z) of the stage's own "
                    + "schedule at level s, abar_0 = 1 (Ho et al. 2021, Sec. 4.1; Ho et al. 2020, Eq. 4)");
                break;
            case NoiseAugmentation.Blur:
                w.Step(ref step, "Noise conditioning augmentation: a Gaussian blur of standard deviation sigma (Ho et al. 2021, Sec. 4.2)");
                break;
            default:
                w.Step(ref step, "No augmentation declared: z as it is (Ho et al. 2021, Table 4's comparison)");
                break;
        }
        w.Line("var augmented = augmentation.Apply(Augmentation, lowResolution, Schedule);    // (N, C, h, w)");
        w.Line();
        w.Step(ref step, "Upsampled bilinearly to " + high + " (half-pixel centres), to be concatenated with x_t (Ho et al. 2021, Sec. 3)");
        w.Line("return " + resolution + ".Upsample(augmented, ImageSize).MoveToOuterDisposeScope();    // (N, C, H, W)");
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        w.Doc("The conditioning a training batch x_0 (N, C, " + Int(sr.ImageSize) + ", " + Int(sr.ImageSize) + ") gives: x_0 "
            + "area-averaged to the low resolution, then <see cref=\"Conditioning\"/> at <paramref name=\"augmentation\"/>.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Open("public " + tensor + " LowResolutionConditioning(" + tensor + " images, " + draws + " augmentation)");
        w.Lines(
            "if (images is null) throw new " + nullException + "(nameof(images));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "");
        step = 1;
        w.Step(ref step, "z: each low-resolution pixel is the mean of the " + block + " block of x_0 it covers (an area average; Ho et al. 2021, Sec. 3)");
        w.Line("var lowResolution = " + resolution + ".AreaDownsample(images, FromSize);    // (N, C, h, w)");
        w.Line();
        w.Step(ref step, "Augmented and upsampled");
        w.Line("return Conditioning(lowResolution, augmentation).MoveToOuterDisposeScope();    // (N, C, H, W)");
        w.Close();
        w.Line();

        var channels = m.LearnsVariance ? "2C" : "C";
        w.Line("/// <summary>The network's output at (x_t, t, y) with the conditioning (N, C, H, W) and the levels s (N).</summary>");
        w.Wrapped("public " + tensor + " Denoise", new[]
        {
            tensor + " x", tensor + " t", tensor + "? labels", tensor + " conditioning", tensor + " levels",
        }, " =>");
        w.Line("    Network.call(x, t, labels, conditioning, levels);    // (N, " + channels + ", H, W)");
        w.Line();

        w.Line("/// <summary>");
        w.Doc("Images (Count, C, " + Int(sr.ImageSize) + ", " + Int(sr.ImageSize) + ") conditioned on <paramref name=\"lowResolution\"/> "
            + "(Count, C, " + Int(sr.FromSize) + ", " + Int(sr.FromSize) + "), such as the stage below's samples, augmented once at "
            + "<paramref name=\"augmentationLevel\"/> (default <see cref=\"SamplingLevel\"/>; Ho et al. 2021, Sec. 4.1), by a declared "
            + "sampler with the request's labels and guidance. The augmentation draws from <paramref name=\"generator\"/> first.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + tensor + " SampleFrom", new[]
        {
            tensor + " lowResolution",
            names["SamplerKind"] + " sampler",
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            "double? augmentationLevel = null",
            names["OnStep"] + "? onStep = null",
        });
        w.Open();
        w.Lines(
            "if (lowResolution is null) throw new " + nullException + "(nameof(lowResolution));",
            "if (request is null) throw new " + nullException + "(nameof(request));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "long[] expected = { request.Count, " + names.Network + ".InChannels, FromSize, FromSize };    // (Count, C, h, w)",
            "if (!global::System.Linq.Enumerable.SequenceEqual(lowResolution.shape, expected))",
            "{",
            "    throw new " + names["ArgumentException"] + "(",
            "        $\"" + m.Type.Name + " takes low-resolution images of shape ({string.Join(\", \", expected)}), \"",
            "            + $\"not ({string.Join(\", \", lowResolution.shape)}).\", nameof(lowResolution));",
            "}",
            "using var noGrad = " + torch + ".no_grad();",
            "using var scope = " + torch + ".NewDisposeScope();",
            "");
        step = 1;
        w.Step(ref step, "The augmentation at one fixed level for the whole batch (Ho et al. 2021, Sec. 4.1)");
        w.Lines(
            "var augmentation = " + draws + ".Fixed(Augmentation, lowResolution.shape, augmentationLevel ?? SamplingLevel,",
            "    " + names.Schedule + ".Timesteps, generator.device, generator);",
            "var device = SamplingDevice(generator);",
            "var conditioning = Conditioning(lowResolution.to(generator.device), augmentation).to(device);    // (N, C, H, W)",
            "");
        w.Step(ref step, "The network with that conditioning as the sampler's denoiser: guidance's null label keeps it");
        w.Lines(
            "var denoiser = " + names["ConditionedDenoiser"] + ".Create(Denoise, conditioning, augmentation.Levels.to(device));",
            "return Sample(sampler, request, generator, denoiser, onStep).MoveToOuterDisposeScope();    // (Count, C, H, W)");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
