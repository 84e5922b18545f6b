using Diffusion.Dsl;
using System.Collections.Generic;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits the five files of a [DiffusionModel]: Model (network, schedule, description, the guided prediction, sampler
/// dispatch), Parameterization (the one conversion hub), Loss, VariationalBound and Samplers; a distillation student's
/// sixth, Distillation.
/// </summary>
internal static class ModelEmitter
{
    public static IEnumerable<(string HintName, string Source)> Emit(ModelSpec spec)
    {
        yield return (spec.Type.HintName("Model"), EmitModel(spec));
        yield return (spec.Type.HintName("Parameterization"), ParameterizationEmitter.Emit(spec));
        yield return (spec.Type.HintName("Loss"), LossEmitter.Emit(spec));
        yield return (spec.Type.HintName("VariationalBound"), VariationalBoundEmitter.Emit(spec));
        yield return (spec.Type.HintName("Samplers"), Samplers.SamplerLoopEmitter.Emit(spec));
        if (spec.Distillation is not null) yield return (spec.Type.HintName("Distillation"), DistillationEmitter.Emit(spec));
        if (spec.Consistency is not null) yield return (spec.Type.HintName("Consistency"), ConsistencyEmitter.Emit(spec));
        if (spec.Latent is not null) yield return (spec.Type.HintName("Latent"), LatentDiffusionEmitter.Emit(spec));
        if (spec.SuperResolution is not null) yield return (spec.Type.HintName("SuperResolution"), SuperResolutionEmitter.Emit(spec));
        if (spec.Network.Text is not null) yield return (spec.Type.HintName("Text"), TextModelEmitter.Emit(spec));
    }

    private static string EmitModel(ModelSpec m)
    {
        var n0 = m.Network;
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        names.Declare(w, "Tensor", "Generator", "Module", "NoiseSchedule", "IDiffusionModel", "ITrainableModel",
            "ModelDescription", "SampleRequest", "Denoiser", "Prediction", "ScheduleKind", "ReverseVariance", "Objective",
            "LossWeighting", "SamplerKind", "SamplerKindList", "OnStep", "ArgumentNullException", "ArgumentException",
            "ReadOnlyDictionary", "Dictionary", "torch", m.Distillation is null ? "" : "IDistillationStudent",
            m.HasGuidance ? "Scalar" : "", m.SuperResolution is null && n0.Text is null ? "" : "InvalidOperationException");
        var name = Identifier(m.Type.Name);
        var network = names.Network;
        var schedule = names.Schedule;
        var tensor = names.Tensor;
        var n = m.Network;
        var samplers = string.Join(", ", m.Samplers);
        var size = Int(n.InputSize) + " x " + Int(n.InputSize) + " x " + Int(n.InChannels);
        var objective = m.Objective == Objective.VariationalBound
            ? ""
            : ", weighting " + m.Weighting + (m.Weighting == LossWeighting.MinSnr ? " (gamma = " + Double(m.MinSnrGamma) + ")" : "");

        w.Lines(
            "/// <summary>",
            "/// The diffusion model declared on " + m.Type.Name + ":",
            "/// <code>",
            "/// schedule  " + m.Schedule.Type.Name + ": " + m.Schedule.Kind + ", T = " + Int(m.Schedule.Timesteps),
            "/// network   " + n.Type.Name + ": " + NetworkKinds.Of(n).DisplayName + " on " + size
                + (n.IsClassConditional ? ", " + Int(n.Classes) + " classes" : ", unconditional"),
            "/// predicts  " + m.Predicts + ", variance " + m.Variance,
            "/// objective " + m.Objective + objective,
            "/// samplers  " + samplers
                + (m.HasGuidance ? " with classifier-free guidance (default w = " + Double(m.GuidanceScale!.Value) + ")" : ""));
        if (m.Distillation is { } d)
        {
            w.Line("/// distills  " + d.Teacher.Name + "'s DDIM, two steps in one"
                + (d.Guided ? ", at w = " + Double(d.Guidance) + " baked in: sample with w = 1" : ""));
        }
        if (m.Latent is { } l)
        {
            w.Line("/// latent    " + l.Autoencoder.Name + " (frozen) on " + Int(l.ImageSize) + " x " + Int(l.ImageSize) + " x "
                + Int(l.ImageChannels) + " images: trains on posterior " + (l.Encoding == LatentEncoding.Sample ? "samples" : "means")
                + ", decodes once after sampling");
        }
        if (m.SuperResolution is { } sr)
        {
            w.Line("/// upsamples " + Int(sr.FromSize) + " x " + Int(sr.FromSize) + " -> " + Int(sr.ImageSize) + " x " + Int(sr.ImageSize)
                + ", " + SuperResolutionEmitter.AugmentationSummary(sr));
        }
        w.Lines(
            "/// </code>",
            "/// </summary>");
        w.GeneratedCode();
        w.Open("partial class " + name + " : " + names[m.Distillation is null ? "IDiffusionModel" : "IDistillationStudent"]);
        if (m.HasGuidance)
        {
            w.Lines(
                "/// <summary>",
                "/// The declared classifier-free guidance weight w (Ho and Salimans 2022, Eq. 6); pass it as",
                "/// SampleRequest.GuidanceScale.",
                "/// </summary>",
                "public const double DefaultGuidanceScale = " + Double(m.GuidanceScale!.Value) + ";",
                "");
        }
        w.Lines(
            "/// <summary>A model with a freshly initialized network.</summary>",
            "public " + name + "() : this(new " + network + "())",
            "{",
            "}",
            "",
            "/// <summary>A model around an existing network (for example one whose weights were loaded).</summary>",
            "public " + name + "(" + network + " network)",
            "{",
            "    Network = network ?? throw new " + names["ArgumentNullException"] + "(nameof(network));",
            "}",
            "",
            "/// <summary>The denoising network.</summary>",
            "public " + network + " Network { get; }",
            "",
            names["Module"] + " " + names["ITrainableModel"] + ".Network => " + (m.Latent is null ? "Network;" : "Modules;"),
            "",
            "/// <summary>The network's output at (x_t, t, y): the prediction" + (m.LearnsVariance ? ", then the variance values" : "") + ".</summary>");
        if (n.Text is not null)
        {
            // A text network also takes the texts: the overload in the Text file.
            EmitRefusingDenoise(w, m, names, "the texts (SampleText, Denoise's overload)",
                "is conditioned on text: its network also takes the texts; ", "sample it with SampleText, or call Denoise with the texts.");
        }
        else if (m.SuperResolution is null)
        {
            w.Wrapped("public " + tensor + " Denoise", new[] { tensor + " x", tensor + " t", tensor + "? labels" }, " =>");
            w.Line("    Network.call(x, t, labels);");
        }
        else
        {
            // A super-resolution network also takes its conditioning: the overload in the SuperResolution file.
            EmitRefusingDenoise(w, m, names, "the low-resolution image (SampleFrom, Denoise's overload)",
                "is a super-resolution stage: its network also takes the low-resolution image; ",
                "sample it with SampleFrom, or call Denoise with the conditioning and levels.");
        }
        w.Lines(
            "",
            "/// <summary>The training noise schedule.</summary>",
            "public " + names["NoiseSchedule"] + " Schedule { get; } = " + schedule + ".Create();",
            "");
        EmitPredict(w, m, names);
        w.Line();
        EmitDeclared(w, m, names);
        EmitDescription(w, m, names);
        w.Line();
        EmitSample(w, m, names);
        w.Close();
        return w.ToString();
    }

    /// <summary>
    /// Denoise(x, t, labels) of a network that also takes a conditioning (<paramref name="takes"/>): it throws, its
    /// message <paramref name="what"/> then <paramref name="how"/>.
    /// </summary>
    private static void EmitRefusingDenoise(CodeWriter w, ModelSpec m, ModelNames names, string takes, string what, string how)
    {
        var tensor = names.Tensor;
        w.Line("/// <remarks>Throws: the network also takes " + takes + ".</remarks>");
        w.Wrapped("public " + tensor + " Denoise", new[] { tensor + " x", tensor + " t", tensor + "? labels" }, " =>");
        w.Lines(
            "    throw new " + names["InvalidOperationException"] + "(",
            "        \"" + m.Type.Name + " " + what + "\"",
            "            + \"" + how + "\");");
    }

    /// <summary>What the host reads of the declaration: the samplers Sample accepts and the guidance weight.</summary>
    private static void EmitDeclared(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var kind = names["SamplerKind"];
        w.Lines(
            "/// <summary>The declared samplers, in SamplerKind order: what Sample accepts.</summary>",
            "public " + names["SamplerKindList"] + " Samplers { get; } = new[]",
            "{");
        foreach (var sampler in m.Samplers) w.Line("    " + kind + "." + sampler + ",");
        w.Lines(
            "};",
            "");
        if (m.Distillation is { Guided: true } d)
        {
            w.Lines(
                "/// <summary>",
                "/// 1, one conditional pass: the teacher's guidance w = " + Double(d.Guidance) + " is baked in (Meng et al. 2023, stage one at",
                "/// a fixed w).",
                "/// </summary>",
                "public double? ClassifierFreeGuidanceScale => 1.0;");
        }
        else if (m.HasGuidance || m.Network.Text is not null && m.GuidanceScale is not null)
        {
            w.Lines(
                "/// <summary>The declared classifier-free guidance weight w: <see cref=\"DefaultGuidanceScale\"/>.</summary>",
                "public double? ClassifierFreeGuidanceScale => DefaultGuidanceScale;");
        }
        else
        {
            w.Lines(
                "/// <summary>None: the declaration has no [ClassifierFreeGuidance].</summary>",
                "public double? ClassifierFreeGuidanceScale => null;");
        }
        w.Line();
    }

    /// <summary>
    /// Predict: the (guided) output through the hub as the pair (eps, x0_hat), what a teacher offers a student. The
    /// guidance is GuidedOutput of the Samplers file, the conversion the hub's ToNoiseAndCleanSample: no second copy.
    /// </summary>
    private static void EmitPredict(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var tensor = names.Tensor;
        var torch = names.Torch;
        var nullException = names["ArgumentNullException"];
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Line("/// <summary>");
        w.Doc("The prediction at x_t (N, C, H, W), training timesteps t (N, int64) and labels y (N, int64) or null, as the "
            + "hub's pair (eps, x0_hat), x0_hat not thresholded. " + (m.HasGuidance
                ? "w = 1 is one conditional pass, w = 0 one null-label pass, another w classifier-free guidance (Ho and "
                    + "Salimans 2022, Eq. 6) through <see cref=\"GuidedOutput\"/>."
                : "Takes w = 1 only: the declaration has no [ClassifierFreeGuidance].")
            + " A denoiser, when given, replaces the network.");
        w.Line("/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public (" + tensor + " Noise, " + tensor + " CleanSample) Predict", new[]
        {
            tensor + " x", tensor + " t", tensor + "? labels", "double guidanceScale = 1.0", names["Denoiser"] + "? denoiser = null",
        });
        w.Open();
        w.Lines(
            "if (x is null) throw new " + nullException + "(nameof(x));",
            "if (t is null) throw new " + nullException + "(nameof(t));");
        if (!m.HasGuidance)
        {
            w.Lines(
                "if (guidanceScale != 1.0)",
                "{",
                "    throw new " + names["ArgumentException"] + "(",
                "        \"" + m.Type.Name + " declares no [ClassifierFreeGuidance]; use guidanceScale = 1.\",",
                "        nameof(guidanceScale));",
                "}");
        }
        w.Lines(
            "using var scope = " + torch + ".NewDisposeScope();",
            "var model = denoiser ?? new " + names["Denoiser"] + "(Denoise);",
            "");
        int n = 1;
        if (m.HasGuidance)
        {
            w.Step(ref n, "The output: conditional at w = 1, the null label's at w = 0, else guided (Ho and Salimans 2022, Eq. 6)");
            w.Lines(
                "if (labels is not null && guidanceScale == 0.0)",
                "{",
                "    using " + names["Scalar"] + " nullLabel = " + names.Network + ".NullLabel;    // disposed here, not left to the finalizer",
                "    labels = " + torch + ".full(labels.shape, nullLabel, dtype: " + torch + ".int64, device: labels.device);",
                "}",
                "var output = labels is null || guidanceScale == 1.0 || guidanceScale == 0.0",
                "    ? model(x, t, labels)",
                "    : GuidedOutput(model, x, t, labels, guidanceScale);    // (N, " + channels + ", H, W)");
        }
        else
        {
            w.Step(ref n, "The output");
            w.Line("var output = model(x, t, labels);    // (N, " + channels + ", H, W)");
        }
        w.Line();
        w.Step(ref n, "(eps, x0_hat) from the parameterization hub at a = sqrt(abar_t), s = sqrt(1 - abar_t)");
        w.Lines(
            "var sqrtAlphaBar = " + names["NoiseSchedule"] + ".Gather(Schedule.SqrtAlphasCumprod, t, x.dim());    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + names["NoiseSchedule"] + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, x.dim());");
        var prediction = m.LearnsVariance ? "SplitOutput(output).Prediction" : "output";
        if (m.Predicts == Prediction.Mean)
        {
            // The mean's hub also takes the one-step posterior's coefficients at t.
            ParameterizationEmitter.EmitMeanCoefficients(w, m, table => names["NoiseSchedule"] + ".Gather(" + table + ", t, x.dim())");
            ParameterizationEmitter.Call(w, m, "var (noise, cleanSample) = ToNoiseAndCleanSample", prediction + ", x", ";");
        }
        else
        {
            w.Lines(
                "var (noise, cleanSample) = ToNoiseAndCleanSample(",
                "    " + prediction + ", x, sqrtAlphaBar, sqrtOneMinusAlphaBar);");
        }
        w.Line("return (noise.MoveToOuterDisposeScope(), cleanSample.MoveToOuterDisposeScope());");
        w.Close();
    }

    /// <summary>Description: the declaration as data, the network's hyperparameters read from its constants.</summary>
    private static void EmitDescription(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var network = names.Network;
        var images = m.Latent is null ? network : names.Type(m.Latent.Autoencoder);    // what the model's data are
        var description = names["ModelDescription"];
        w.Lines(
            "/// <summary>The declaration as data, stored beside checkpoints.</summary>",
            "public " + description + " Description { get; } = new " + description + "(",
            "    Name: \"" + m.Type.Name + "\",",
            "    Channels: " + images + ".InChannels,",
            "    ImageSize: " + images + ".InputSize,",
            "    Classes: " + (m.Network.IsClassConditional ? network + ".Classes" : "null") + ",",
            "    Predicts: " + names["Prediction"] + "." + m.Predicts + ",",
            "    Schedule: " + names["ScheduleKind"] + "." + m.Schedule.Kind + ",",
            "    Timesteps: " + names.Schedule + ".Timesteps,",
            "    Network: new " + names["ReadOnlyDictionary"] + "(new " + names["Dictionary"],
            "    {");
        NetworkDescription.EmitEntries(w, m.Network, network, "        ");
        if (m.Latent is { } l)
        {
            w.Lines(
                "        [\"latent_downsampling_factor\"] = " + images + ".DownsamplingFactor,",
                "        [\"latent_posterior_sampled\"] = " + (l.Encoding == LatentEncoding.Sample ? "1" : "0") + ",");
        }
        if (m.SuperResolution is { } sr)
        {
            var (min, max) = sr.Augmentation switch
            {
                NoiseAugmentation.Gaussian => ("MinLevel", "MaxLevel"),
                NoiseAugmentation.Blur => ("MinBlurSigma", "MaxBlurSigma"),
                _ => ("0", "0"),
            };
            w.Lines(
                "        [\"low_resolution_size\"] = FromSize,",
                "        [\"augmentation\"] = (int)Augmentation,",
                "        [\"augmentation_min\"] = " + min + ",",
                "        [\"augmentation_max\"] = " + max + ",");
        }
        w.Lines(
            "    }),",
            "    Variance: " + names["ReverseVariance"] + "." + m.Variance + ",",
            "    Objective: " + names["Objective"] + "." + m.Objective + ",",
            "    Weighting: " + names["LossWeighting"] + "." + m.Weighting + ");");
    }

    /// <summary>Sample: the declared sampler the caller names, or an exception that says how to declare another.</summary>
    private static void EmitSample(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var samplers = string.Join(", ", m.Samplers);
        var kind = names["SamplerKind"];
        w.Line(m.Latent is null
            ? "/// <summary>Runs a declared sampler (" + samplers + ").</summary>"
            : "/// <summary>Runs a declared sampler (" + samplers + ") on latents: Sample decodes them.</summary>");
        w.Wrapped("public " + names.Tensor + (m.Latent is null ? " Sample" : " SampleLatents"), new[]
        {
            kind + " sampler",
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            names["OnStep"] + "? onStep = null",
        }, " => sampler switch");
        w.Open();
        foreach (var sampler in m.Samplers)
        {
            w.Line(kind + "." + sampler + " => Sample" + sampler + "(request, generator, denoiser, onStep),");
        }
        w.Lines(
            "_ => throw new " + names["ArgumentException"] + "(",
            "    $\"" + m.Type.Name + " declares no {sampler} sampler (declared: " + samplers + "); \"",
            "        + $\"add [Sampler(SamplerKind.{sampler})] to generate it.\",",
            "    nameof(sampler)),");
        w.Close("};");
    }
}
