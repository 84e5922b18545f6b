using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting;

/// <summary>
/// Emits {Namespace}.{Type}.Loss.g.cs: the declared objective (L_simple with its weighting, the hybrid objective or the
/// variational bound) on the forward process of Ho et al. 2020 (Algorithm 1), with label dropout when labelled.
/// </summary>
internal static class LossEmitter
{
    public static string Emit(ModelSpec m)
    {
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        var tensor = names.Tensor;
        var torch = names.Torch;
        var network = names.Network;
        var schedule = names.Schedule;
        bool labelled = m.Network.IsClassConditional;
        bool text = m.Network.Text is not null;    // conditioned on captions' embeddings (Saharia et al. 2022, Sec. 2)
        var condition = text ? names["TextConditioning"] + " text" : tensor + "? labels";
        var conditionType = text ? names["TextConditioning"] : tensor + "?";
        var weight = m.Objective == Objective.VariationalBound ? null : LossWeights.Expression(m.Predicts, m.Weighting);
        bool scalars = labelled || text || weight is not null || m.Objective != Objective.Simple;
        // A super-resolution stage draws its augmentation too, which IDataParallelLoss's draws do not hold: one process.
        bool upsampling = m.SuperResolution is not null;
        // A text model's batches are (image, text), which IDataParallelLoss's (image, label) rows do not hold.
        bool parallel = !upsampling && !text;
        names.Declare(w, "torch", "Tensor", "Generator", "Device", "DiffusionDraws", parallel ? "IDataParallelLoss" : "",
            text ? "TextConditioning" : "",
            upsampling ? "AugmentationDraws" : "", "ArgumentNullException",
            m.Objective == Objective.VariationalBound ? "" : "NoiseSchedule",
            labelled ? "" : "ArgumentException",
            scalars ? "Scalar" : "",
            weight is null ? "" : "Enumerable");
        w.Line("/// <summary>The training objective of " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name) + (parallel ? " : " + names["IDataParallelLoss"] : ""));
        if (m.Objective == Objective.Hybrid)
        {
            w.Lines(
                "/// <summary>lambda of L_hybrid = L_simple + lambda L_vlb (Nichol and Dhariwal 2021, Sec. 3.1).</summary>",
                "public const double VariationalBoundWeight = 0.001;",
                "");
        }
        if (weight is not null)
        {
            EmitWeights(w, m, names, weight);
        }
        w.Line("/// <summary>");
        w.Doc(Summary(m, labelled, text));
        w.Lines(
            "/// Every random draw comes from <paramref name=\"generator\"/> (<see cref=\"DrawTraining\"/>). Returns a scalar.",
            "/// </summary>");
        w.GeneratedCode();
        var draws = names["DiffusionDraws"];
        var nullException = names["ArgumentNullException"];
        w.Open("public " + tensor + " TrainingLoss(" + tensor + " x0, " + condition + ", " + names["Generator"] + " generator)");
        w.Lines(
            "if (x0 is null) throw new " + nullException + "(nameof(x0));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "using var scope = " + torch + ".NewDisposeScope();",
            upsampling
                ? "var draws = DrawTraining(x0.shape, x0.device, generator);    // the diffusion's draws, then the augmentation's"
                : "return TrainingLoss(x0, " + (text ? "text" : "labels") + ", DrawTraining(x0.shape, x0.device, generator)).MoveToOuterDisposeScope();");
        if (upsampling)
        {
            w.Lines(
                "var augmentation = DrawAugmentation(x0.shape, x0.device, generator);",
                "return TrainingLoss(x0, labels, draws, augmentation).MoveToOuterDisposeScope();");
        }
        w.Close();
        w.Line();
        w.Lines(
            "/// <summary>",
            "/// The random draws of <see cref=\"TrainingLoss(" + tensor + ", " + conditionType + ", " + names["Generator"] + ")\"/> for a batch of",
            "/// <paramref name=\"shape\"/> (N, C, H, W): t ~ Uniform{0, ..., T - 1} and eps ~ N(0, I) (Ho et al. 2020,",
            "/// Algorithm 1, lines 3 and 4)" + (labelled ? " and the label-dropout uniforms (Ho and Salimans 2022, Algorithm 1, line 3),"
                : text ? " and the caption-dropout uniforms (Ho and Salimans 2022, Algorithm 1, line 3)," : ","),
            upsampling
                ? "/// in that order. The super-resolution stage draws its augmentation after them and trains in one process."
                : text ? "/// in that order." : "/// in that order. A data-parallel rank draws the whole batch's and keeps its own rows.",
            "/// </summary>");
        w.GeneratedCode();
        w.Lines(
            "public " + draws + " DrawTraining(long[] shape, " + names["Device"] + " device, " + names["Generator"] + " generator) =>",
            "    " + draws + ".Draw(shape, device, " + schedule + ".Timesteps, labelDropout: " + (labelled || text ? "true" : "false") + ", generator);",
            "");
        w.Lines(
            "/// <summary>",
            "/// The objective of <see cref=\"TrainingLoss(" + tensor + ", " + conditionType + ", " + names["Generator"] + ")\"/> at the draws");
        if (upsampling)
        {
            w.Lines(
                "/// <paramref name=\"draws\"/> (one row per example of <paramref name=\"x0\"/>) and the augmentation's",
                "/// <paramref name=\"augmentation\"/>: a mean over the rows.");
        }
        else
        {
            w.Line("/// <paramref name=\"draws\"/> (one row per example of <paramref name=\"x0\"/>): a mean over the rows.");
        }
        w.Lines(
            "/// </summary>",
            "/// <remarks>");
        w.Doc("Notation: x0 = x_0, t = t (0-based), noise = eps, xt = x_t, abar_t = Schedule.AlphasCumprod[t]"
            + (labelled ? ", y = the labels after dropout." : text ? ", caption = the texts after dropout." : "."));
        w.Line("/// </remarks>");
        w.GeneratedCode();
        if (upsampling)
        {
            w.Wrapped("public " + tensor + " TrainingLoss", new[]
            {
                tensor + " x0", tensor + "? labels", draws + " draws", names["AugmentationDraws"] + " augmentation",
            });
            w.Open();
        }
        else
        {
            w.Open("public " + tensor + " TrainingLoss(" + tensor + " x0, " + condition + ", " + draws + " draws)");
        }
        w.Line("if (x0 is null) throw new " + nullException + "(nameof(x0));");
        w.Line("if (draws is null) throw new " + nullException + "(nameof(draws));");
        if (upsampling) w.Line("if (augmentation is null) throw new " + nullException + "(nameof(augmentation));");
        if (labelled)
        {
            w.Lines(
                "if (labels is null)",
                "{",
                "    throw new " + nullException + "(",
                "        nameof(labels), \"" + m.Type.Name + " is class-conditional: pass labels (N, int64) in 0.."
                    + Int(m.Network.Classes - 1) + ".\");",
                "}");
        }
        else if (text)
        {
            w.Lines(
                "if (text is null) throw new " + nullException + "(nameof(text));",
                "if (text.Count != x0.shape[0])",
                "    throw new " + names["ArgumentException"] + "($\"{text.Count} texts for {x0.shape[0]} images.\", nameof(text));");
        }
        else
        {
            w.Lines(
                "if (labels is not null)",
                "    throw new " + names["ArgumentException"] + "(\"" + m.Type.Name + " is unconditional: pass null labels.\", nameof(labels));");
        }
        w.Lines(
            "draws.Require(x0.shape);",
            "using var scope = " + torch + ".NewDisposeScope();",
            "long n = x0.shape[0];",
            "");
        int step = 1;
        w.Step(ref step, "t ~ Uniform{0, ..., T - 1} (Ho et al. 2020, Algorithm 1, line 3; 0-based) and eps ~ N(0, I) (line 4)");
        w.Lines(
            "var t = draws.Timesteps;    // (N)",
            "var noise = draws.Noise;    // (N, C, H, W)",
            "");
        w.Step(ref step, "x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. 4)");
        w.Line("var xt = Schedule.QSample(x0, t, noise);    // (N, C, H, W)");
        w.Line();
        if (labelled)
        {
            w.Step(ref step, "Classifier-free label dropout: y = null label with probability p_uncond (Ho and Salimans 2022, Algorithm 1, line 3)");
            w.Lines(
                "using " + names["Scalar"] + " dropRate = " + network + ".LabelDropRate, nullLabel = " + network + ".NullLabel;    // disposed here",
                "var drop = draws.DropUniforms! < dropRate;",
                "var nullLabels = " + torch + ".full(new long[] { n }, nullLabel, dtype: " + torch + ".int64, device: labels.device);",
                "var y = " + torch + ".where(drop.to(labels.device), nullLabels, labels);    // (N)",
                "");
        }
        if (text)
        {
            w.Step(ref step, "Classifier-free caption dropout: the null embedding with probability p_uncond (Ho and Salimans 2022, Algorithm 1, line 3)");
            w.Lines(
                "using " + names["Scalar"] + " dropRate = " + network + ".TextDropRate;    // disposed here",
                "var drop = (draws.DropUniforms! < dropRate).to(x0.device);    // (N) bool",
                "var caption = text.To(x0.device) with { Dropped = drop };",
                "");
        }
        var channels = m.LearnsVariance ? "2C" : "C";
        if (upsampling)
        {
            w.Step(ref step, "The low-resolution conditioning: x_0 area-averaged to FromSize, augmented at the drawn levels s, "
                + "upsampled (Ho et al. 2021, Sec. 3 and 4)");
            w.Lines(
                "var conditioning = LowResolutionConditioning(x0, augmentation);    // (N, C, H, W)",
                "");
            w.Step(ref step, "The network's output at (x_t, t" + (labelled ? ", y" : "") + ", conditioning, s)");
            w.Line("var output = Network.call(xt, t, " + (labelled ? "y" : "null") + ", conditioning, augmentation.Levels);    // (N, "
                + channels + ", H, W)");
        }
        else
        {
            w.Step(ref step, "The network's output at (x_t, t" + (labelled ? ", y" : text ? ", caption" : "") + ")");
            w.Line("var output = Network.call(xt, t, " + (labelled ? "y" : "null") + (text ? ", caption" : "") + ");    // (N, "
                + channels + ", H, W)");
        }
        if (m.Objective == Objective.VariationalBound)
        {
            w.Line();
            w.Step(ref step, "L_vlb = sum_t L_t, estimated as T E_t[L_t] in bits per dimension (Ho et al. 2020, Eq. 5; "
                + "Nichol and Dhariwal 2021, Eq. 4-6)");
            w.Lines(
                "using " + names["Scalar"] + " timesteps = " + schedule + ".Timesteps;    // disposed here, not left to the finalizer",
                "var loss = VariationalBoundTerms(x0, xt, t, output).mean().mul(timesteps);    // ()");
            w.Line("return loss.MoveToOuterDisposeScope();");
            w.Close();
            w.Close();
            return w.ToString();
        }
        // With a learned variance the first C channels are the prediction; otherwise the output is.
        var prediction = "output";
        if (m.LearnsVariance)
        {
            w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
            prediction = "prediction";
        }
        w.Line();
        var noiseSchedule = names["NoiseSchedule"];
        w.Step(ref step, "The target from the parameterization hub");
        w.Lines(
            "var sqrtAlphaBar = " + noiseSchedule + ".Gather(Schedule.SqrtAlphasCumprod, t, x0.dim());    // (N, 1, 1, 1)",
            "var sqrtOneMinusAlphaBar = " + noiseSchedule + ".Gather(Schedule.SqrtOneMinusAlphasCumprod, t, x0.dim());");
        ParameterizationEmitter.EmitMeanCoefficients(w, m, table => noiseSchedule + ".Gather(" + table + ", t, x0.dim())");
        ParameterizationEmitter.Call(w, m, "var target = TrainingTarget", "x0, noise", ";    // (N, C, H, W)");
        w.Line();
        if (weight is null)
        {
            w.Step(ref step, "L_simple = mean || target - prediction ||^2 (Ho et al. 2020, Eq. 14)");
            w.Line("var simple = " + torch + ".nn.functional.mse_loss(" + prediction + ", target);    // ()");
        }
        else
        {
            w.Step(ref step, "L_simple = mean lambda(t) / w(t) || target - prediction ||^2: lambda(t) || x_0 - x0_hat ||^2 with lambda = "
                + LossWeights.Lambda(m.Weighting) + " (LossWeights)");
            w.Lines(
                "var weight = " + noiseSchedule + ".Gather(LossWeights, t, x0.dim());    // (N, 1, 1, 1)",
                "using " + names["Scalar"] + " two = 2;    // disposed here, not left to the finalizer",
                "var simple = (weight * (" + prediction + " - target).pow(two)).mean();    // ()");
        }
        if (m.Objective == Objective.Hybrid)
        {
            w.Line();
            w.Step(ref step, "L_vlb with the mean's gradient stopped, so it trains only the variance (Nichol and Dhariwal 2021, Sec. 3.1)");
            w.Lines(
                "var frozen = " + torch + ".cat(new[] { prediction.detach(), varianceValues }, 1);    // (N, 2C, H, W)",
                "// Scalars disposed here: a number operand or + would leave them to the finalizer",
                "using " + names["Scalar"] + " timesteps = " + schedule + ".Timesteps, lambda = VariationalBoundWeight, one = 1;",
                "var vlb = VariationalBoundTerms(x0, xt, t, frozen).mean().mul(timesteps);    // (): T E_t[L_t] in bits/dim",
                "");
            w.Step(ref step, "L_hybrid = L_simple + lambda L_vlb");
            w.Lines(
                "var loss = simple.add(vlb.mul(lambda), one);    // ()",
                "return loss.MoveToOuterDisposeScope();");
        }
        else
        {
            w.Line("return simple.MoveToOuterDisposeScope();");
        }
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static string Summary(ModelSpec m, bool labelled, bool text)
    {
        var call = "output(x_t, t" + (labelled ? ", y" : text ? ", c" : "") + ")";
        var objective = m.Objective switch
        {
            Objective.Hybrid => "L_hybrid = L_simple + lambda L_vlb (Nichol and Dhariwal 2021, Sec. 3.1), L_simple = E || target - "
                + call + " ||^2, for a batch",
            Objective.VariationalBound => "L_vlb = sum_t L_t (Ho et al. 2020, Eq. 5), estimated at one random t per sample, for a batch",
            _ => "L_simple = E_{t, x_0, eps} || target - " + call + " ||^2 (Ho et al. 2020, Algorithm 1 and Eq. 14) for a batch",
        };
        return objective + (labelled
            ? " x0 (N, C, H, W) in [-1, 1] with labels (N, int64); labels are replaced by the null label with probability"
                + " p_uncond (Ho and Salimans 2022, Algorithm 1)."
            : text
            ? " x0 (N, C, H, W) in [-1, 1] with the texts c of its captions (N rows); a text is replaced by the null embedding"
                + " with probability p_uncond (Ho and Salimans 2022, Algorithm 1)."
            : " x0 (N, C, H, W) in [-1, 1]; the model is unconditional, so labels must be null.");
    }

    private static void EmitWeights(CodeWriter w, ModelSpec m, ModelNames names, string weight)
    {
        var source = m.Weighting switch
        {
            LossWeighting.MinSnr => "; Hang et al. 2023, Eq. 8",
            LossWeighting.TruncatedSnr => "; Salimans and Ho 2022, Sec. 4",
            _ => "",
        };
        w.Line("/// <summary>");
        w.Doc("The factor w(t) = " + LossWeights.Formula(m.Predicts, m.Weighting) + " on the prediction's squared error: "
            + "lambda(t) = " + LossWeights.Lambda(m.Weighting) + " on ||x_0 - x0_hat||^2, divided by the weight "
            + LossWeights.Native(m.Predicts) + " that the " + m.Predicts + " error carries there (Kingma et al. 2021, Sec. 5"
            + source + ").");
        w.Line("/// </summary>");
        w.GeneratedCode();
        bool mean = LossWeights.TakesMeanCoefficient(m.Predicts);
        w.Open("public static double LossWeight(double snr" + (mean ? ", double meanCoef1" : "") + ")");
        if (m.Weighting == LossWeighting.MinSnr)
            w.Line("const double gamma = " + Double(m.MinSnrGamma) + ";    // min-SNR-gamma");
        w.Line("return " + weight + ";");
        w.Close();
        w.Line();
        var enumerable = names["Enumerable"];
        w.Lines(
            "/// <summary>w(t) for t = 0..T-1, from the schedule's SNR(t) = abar_t / (1 - abar_t)"
                + (mean ? " and coef1_t" : "") + ", built once.</summary>",
            "private double[]? lossWeights;",
            "",
            "private double[] LossWeights =>");
        if (mean)
        {
            w.Lines(
                "    lossWeights ??= " + enumerable + ".ToArray(",
                "        " + enumerable + ".Zip(Schedule.SignalToNoise, Schedule.PosteriorMeanCoef1, LossWeight));");
        }
        else
        {
            w.Line("    lossWeights ??= " + enumerable + ".ToArray(" + enumerable + ".Select(Schedule.SignalToNoise, LossWeight));");
        }
        w.Line();
    }
}
