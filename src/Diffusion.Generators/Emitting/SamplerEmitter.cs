using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;
using static Diffusion.Generators.Emitting.Names;

namespace Diffusion.Generators.Emitting;

/// <summary>Emits {Namespace}.{Type}.Samplers.g.cs: one pure sampling loop per declared [Sampler].</summary>
internal static class SamplerEmitter
{
    public static string Emit(ModelSpec m)
    {
        var w = new CodeWriter();
        w.Header(m.Type);
        w.Line("/// <summary>The samplers declared on " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        bool first = true;
        foreach (var sampler in m.Samplers)
        {
            if (!first) w.Line();
            first = false;
            EmitSampler(w, m, sampler);
        }
        w.Line();
        EmitHelpers(w, m);
        w.Close();
        return w.ToString();
    }

    private static void EmitSampler(CodeWriter w, ModelSpec m, SamplerKind kind)
    {
        var network = m.Network.Type.FullName;
        var schedule = m.Schedule.Type.FullName;
        bool ddim = kind == SamplerKind.Ddim;
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Line("/// <summary>");
        if (ddim)
        {
            w.Lines(
                "/// DDIM (Song et al. 2021, Eq. 12) on request.Steps evenly spaced training steps, one <see cref=\"DdimStep\"/> per step;",
                "/// eta = 0 is deterministic, eta = 1 matches DDPM.");
        }
        else
        {
            w.Lines(
                "/// DDPM ancestral sampling (Ho et al. 2020, Algorithm 2) on request.Steps evenly spaced training steps (the respaced",
                "/// process of improved-diffusion), one <see cref=\"DdpmStep\"/> per step.");
        }
        w.Lines(
            "/// Returns x_0 samples (Count, C, H, W).",
            "/// </summary>",
            "/// <remarks>",
            "/// Notation (code = paper):",
            "/// <code>",
            "/// steps           tau_1 &lt; ... &lt; tau_S, the training timesteps the sampler visits",
            "/// x               x_t, the current sample (Count, C, H, W)",
            "/// step, previous  tau_i and tau_{i-1} (-1 after the last step)",
            "/// output          the network output at (x_t, tau_i)" + (m.HasGuidance ? ", guided: out(x_t, null) + w (out(x_t, y) - out(x_t, null))" : ""),
            "/// targets         y, the classes a classifier guides toward (request.Labels)",
            "/// </code>",
            "/// </remarks>");
        w.GeneratedCode();
        w.Open("public " + Tensor + " Sample" + kind + "(" + RuntimeModels + ".SampleRequest request, " + Generator + " generator, " + RuntimeModels + ".Denoiser? denoiser = null, global::System.Action<int, " + Tensor + ">? onStep = null)");
        w.Lines(
            "if (request is null) throw new global::System.ArgumentNullException(nameof(request));",
            "if (generator is null) throw new global::System.ArgumentNullException(nameof(generator));",
            "request.Validate(" + schedule + ".Timesteps, " + (m.Network.IsClassConditional ? network + ".Classes" : "null") + ", Schedule);");
        if (m.Network.IsClassConditional && !m.HasGuidance)
        {
            w.Line("if (request.GuidanceScale != 1.0) throw new global::System.ArgumentException(\"" + m.Type.Name + " declares no [ClassifierFreeGuidance]; use GuidanceScale = 1.\", nameof(request));");
        }
        w.Lines(
            "var model = denoiser ?? new " + RuntimeModels + ".Denoiser((x, t, labels) => Network.call(x, t, labels));",
            "using var noGrad = " + Torch + ".no_grad();",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var device = SamplingDevice(generator);",
            "");
        if (m.Network.IsClassConditional)
        {
            w.Lines(
                m.HasGuidance
                    ? "// Labels y; without labels, or with guidance weight w = 0, every sample uses the null label (unconditional sampling)."
                    : "// Labels y; without labels every sample uses the null label (unconditional sampling).",
                (m.HasGuidance
                    ? "var labels = request.Labels is { } given && request.GuidanceScale != 0.0 ? given.to(device) : "
                    : "var labels = request.Labels is { } given ? given.to(device) : ") + Torch + ".full(new long[] { request.Count }, " + network + ".NullLabel, dtype: " + Int64 + ", device: device);    // (Count)",
                "");
        }
        w.Lines(
            "// The classes classifier guidance steers toward (Dhariwal and Nichol 2021), when a classifier is given",
            "var targets = request.Classifier is null ? null : request.Labels!.to(device);    // (Count)",
            "");
        w.Lines(
            "// 1. S evenly spaced training steps; each step of the sampler is a step of the process respaced to them (SCOPE section 1)",
            "var steps = " + NoiseSchedule + ".EvenlySpacedSteps(" + schedule + ".Timesteps, request.Steps);",
            "",
            "// 2. x_T ~ N(0, I) (Ho et al. 2020, Algorithm 2, line 1)",
            "var x = " + Torch + ".randn(new long[] { request.Count, " + network + ".InChannels, " + network + ".InputSize, " + network + ".InputSize }, generator: generator, device: device);    // (Count, C, H, W)",
            "",
            "for (int i = steps.Length - 1; i >= 0; i--)");
        w.Open();
        w.Lines(
            "using var stepScope = " + Torch + ".NewDisposeScope();",
            "",
            "// 3. From tau_i to tau_{i-1}",
            "int step = steps[i], previous = i > 0 ? steps[i - 1] : -1;",
            "var t = " + Torch + ".full(new long[] { request.Count }, step, dtype: " + Int64 + ", device: device);    // (Count)",
            "");
        if (m.HasGuidance)
        {
            w.Lines(
                "// 4. The model output, guided when w != 1: one batched pass on (x, y) and (x, null) (Ho and Salimans 2022, Eq. 6)",
                "var output = request.Labels is not null && request.GuidanceScale != 1.0 && request.GuidanceScale != 0.0",
                "    ? GuidedOutput(model, x, t, labels, request.GuidanceScale)",
                "    : model(x, t, labels);    // (Count, " + channels + ", H, W)");
        }
        else
        {
            w.Lines(
                "// 4. The model output",
                "var output = model(x, t, " + (m.Network.IsClassConditional ? "labels" : "null") + ");    // (Count, " + channels + ", H, W)");
        }
        w.Lines(
            "",
            "// 5. Classifier guidance: eps_hat = eps - s sqrt(1 - abar_t) grad_{x_t} log p_phi(y | x_t, t) (Dhariwal and Nichol 2021, Algorithm 2)",
            "if (request.Classifier is { } guidance) output = ClassifierGuidedOutput(output, x, t, step, targets!, guidance);",
            "",
            "// 6. One reverse step",
            ddim
                ? "var next = DdimStep(x, step, previous, output, request.Eta, generator, request.Thresholding, request.DynamicPercentile);    // (Count, C, H, W)"
                : "var next = DdpmStep(x, step, previous, output, generator, request.Thresholding, request.DynamicPercentile);    // (Count, C, H, W)",
            "",
            "// 7. Keep x_{t-1}, free x_t: memory stays flat over the steps.",
            "next.MoveToOuterDisposeScope();",
            "x.Dispose();",
            "x = next;",
            "onStep?.Invoke(i, x);");
        w.Close();
        w.Line();
        w.Line("return x.MoveToOuterDisposeScope();");
        w.Close();
        w.Line();
        if (ddim) EmitDdimStep(w, m);
        else EmitDdpmStep(w, m);
    }

    private static void EmitStepHeader(CodeWriter w, ModelSpec m, string name, bool ddim)
    {
        w.GeneratedCode();
        w.Open("public " + Tensor + " " + name + "(" + Tensor + " x, int step, int previous, " + Tensor + " output, " + (ddim ? "double eta, " : "") + Generator + " generator, " + Names.Dsl + ".Thresholding thresholding = " + Names.Dsl + ".Thresholding.Static, double dynamicPercentile = " + RuntimeSampling + ".CleanSampleThreshold.DefaultPercentile)");
        w.Lines(
            "if (x is null) throw new global::System.ArgumentNullException(nameof(x));",
            "if (output is null) throw new global::System.ArgumentNullException(nameof(output));",
            "if (generator is null) throw new global::System.ArgumentNullException(nameof(generator));",
            "using var scope = " + Torch + ".NewDisposeScope();",
            "var transition = Schedule.Transition(step, previous);    // the process respaced to (previous, step): abar, beta, beta~, mu~ coefficients",
            "var sqrtAlphaBar = " + Torch + ".tensor(transition.SqrtAlphaBar, dtype: x.dtype, device: x.device);    // ()",
            "var sqrtOneMinusAlphaBar = " + Torch + ".tensor(transition.SqrtOneMinusAlphaBar, dtype: x.dtype, device: x.device);    // ()",
            "");
        if (m.LearnsVariance && !ddim)
            w.Line("var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each");
        else if (m.LearnsVariance)
            w.Line("var (prediction, _) = SplitOutput(output);    // (N, C, H, W): DDIM's eta sets the variance");
        else
            w.Line("var prediction = output;    // (N, C, H, W)");
        w.Lines(
            "",
            ddim ? "// 1. (eps, x0_hat) from the parameterization hub" : "// 1. x0_hat from the parameterization hub",
            ddim
                ? "var (noise, cleanSample) = ToNoiseAndCleanSample(prediction, x, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // (N, C, H, W) each"
                : "var (_, cleanSample) = ToNoiseAndCleanSample(prediction, x, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // (N, C, H, W)",
            "",
            "// 2. Thresholding of x0_hat: none, static clip to [-1, 1], or dynamic (Saharia et al. 2022, Sec. 2.3)",
            "if (thresholding != " + Names.Dsl + ".Thresholding.None)");
        w.Open();
        w.Line("cleanSample = " + RuntimeSampling + ".CleanSampleThreshold.Apply(cleanSample, thresholding, dynamicPercentile);    // (N, C, H, W)");
        if (ddim)
            w.Line("noise = NoiseFromCleanSample(x, cleanSample, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // eps consistent with the thresholded x0_hat");
        w.Close();
        w.Line();
    }

    private static void EmitDdpmStep(CodeWriter w, ModelSpec m)
    {
        w.Lines(
            "/// <summary>",
            "/// One DDPM step, a pure function: x_{t-1} = mu_theta(x_t, t) + sigma_t z from x at training timestep <paramref name=\"step\"/> to the",
            "/// earlier <paramref name=\"previous\"/> (-1: the last step, which adds no noise), given the network output at (x, step), with",
            "/// mu_theta = mu~_t(x_t, x0_hat) (Ho et al. 2020, Eq. 7 and Algorithm 2) and sigma_t^2 = " + VarianceText(m.Variance) + ".",
            "/// z comes from <paramref name=\"generator\"/>.",
            "/// </summary>");
        EmitStepHeader(w, m, "DdpmStep", ddim: false);
        w.Lines(
            "// 3. mu~_t = coef1 x0_hat + coef2 x_t, the posterior mean (Ho et al. 2020, Eq. 7)",
            "var mean = transition.PosteriorMeanCoef1 * cleanSample + transition.PosteriorMeanCoef2 * x;    // (N, C, H, W)",
            "if (previous < 0) return mean.MoveToOuterDisposeScope();    // x_0 = mu~_1: no noise at the last step (Algorithm 2, line 4)",
            "",
            "// 4. sigma_t");
        switch (m.Variance)
        {
            case ReverseVariance.Learned:
                w.Lines(
                    "var logBeta = " + Torch + ".tensor(" + Math + ".Log(transition.Beta), dtype: x.dtype, device: x.device);    // ()",
                    "var logPosteriorVariance = " + Torch + ".tensor(" + Math + ".Log(transition.PosteriorVariance), dtype: x.dtype, device: x.device);    // ()",
                    "var sigma = (0.5 * LearnedLogVariance(varianceValues, logBeta, logPosteriorVariance)).exp();    // (N, C, H, W): learned (Nichol and Dhariwal 2021, Eq. 15)");
                break;
            case ReverseVariance.FixedLarge:
                w.Line("var sigma = " + Math + ".Sqrt(transition.Beta);    // sigma_t^2 = beta_t (Ho et al. 2020, Sec. 3.2)");
                break;
            default:
                w.Line("var sigma = " + Math + ".Sqrt(transition.PosteriorVariance);    // sigma_t^2 = beta~_t (Ho et al. 2020, Sec. 3.2)");
                break;
        }
        w.Lines(
            "",
            "// 5. x_{t-1} = mu_theta + sigma_t z (Algorithm 2, line 4)",
            "var next = mean + sigma * " + Torch + ".randn(x.shape, generator: generator, device: x.device);    // (N, C, H, W)",
            "return next.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static void EmitDdimStep(CodeWriter w, ModelSpec m)
    {
        w.Lines(
            "/// <summary>",
            "/// One DDIM step, a pure function (Song et al. 2021, Eq. 12): x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps",
            "/// + sigma_t z with sigma_t = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}) (Eq. 16), from x at training",
            "/// timestep <paramref name=\"step\"/> to the earlier <paramref name=\"previous\"/> (-1: the last step, abar_{t-1} = 1), given the network",
            "/// output at (x, step)." + (m.LearnsVariance ? " The learned variance is not used: eta sets sigma_t." : "") + " z comes from <paramref name=\"generator\"/>.",
            "/// </summary>");
        EmitStepHeader(w, m, "DdimStep", ddim: true);
        w.Lines(
            "// 3. sigma_t (Song et al. 2021, Eq. 16)",
            "double alphaBar = transition.AlphaBar, alphaBarPrev = transition.AlphaBarPrev;",
            "double sigma = eta * " + Math + ".Sqrt((1.0 - alphaBarPrev) / (1.0 - alphaBar)) * " + Math + ".Sqrt(1.0 - alphaBar / alphaBarPrev);",
            "",
            "// 4. x_{t-1} = sqrt(abar_{t-1}) x0_hat + sqrt(1 - abar_{t-1} - sigma_t^2) eps + sigma_t z (Song et al. 2021, Eq. 12)",
            "var next = " + Math + ".Sqrt(alphaBarPrev) * cleanSample + " + Math + ".Sqrt(" + Math + ".Max(0.0, 1.0 - alphaBarPrev - sigma * sigma)) * noise;    // (N, C, H, W)",
            "if (sigma > 0 && previous >= 0) next = next + sigma * " + Torch + ".randn(x.shape, generator: generator, device: x.device);    // + sigma_t z",
            "return next.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static string VarianceText(ReverseVariance variance) => variance switch
    {
        ReverseVariance.Learned => "exp(f log beta_t + (1 - f) log beta~_t), learned (Nichol and Dhariwal 2021, Eq. 15)",
        ReverseVariance.FixedLarge => "beta_t (fixed large)",
        _ => "beta~_t (fixed small)",
    };

    private static void EmitHelpers(CodeWriter w, ModelSpec m)
    {
        w.Lines(
            "/// <summary>Where sampling runs: the network's device (its first parameter's), else the generator's.</summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "private global::TorchSharp.torch.Device SamplingDevice(" + Generator + " generator)",
            "{",
            "    foreach (var parameter in Network.parameters()) return parameter.device;",
            "    return generator.device;",
            "}");
        w.Line();
        EmitClassifierGuidance(w, m);
        if (!m.HasGuidance) return;
        var network = m.Network.Type.FullName;
        w.Lines(
            "",
            "/// <summary>",
            "/// Classifier-free guidance (Ho and Salimans 2022, Eq. 6): eps_hat = eps(x_t, null) + w (eps(x_t, y) - eps(x_t, null)),",
            "/// the conditional and the null-label pass batched together in one call. Applied to the " + m.Predicts + " prediction: every",
            "/// prediction is affine in eps at fixed x_t and t, and the weights (1 - w) + w sum to 1, so this is the same guidance.",
            "/// </summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "private static " + Tensor + " GuidedOutput(" + RuntimeModels + ".Denoiser model, " + Tensor + " x, " + Tensor + " t, " + Tensor + " labels, double guidanceScale)",
            "{",
            "    using var scope = " + Torch + ".NewDisposeScope();",
            "    var nullLabels = " + Torch + ".full(labels.shape, " + network + ".NullLabel, dtype: " + Int64 + ", device: labels.device);    // (N)",
            "    var both = model(" + Torch + ".cat(new[] { x, x }, 0), " + Torch + ".cat(new[] { t, t }, 0), " + Torch + ".cat(new[] { labels, nullLabels }, 0));    // (2N, C, H, W)",
            "    var halves = both.chunk(2, 0);    // conditional (N, " + (m.LearnsVariance ? "2C" : "C") + ", H, W), unconditional (N, " + (m.LearnsVariance ? "2C" : "C") + ", H, W)");
        if (m.LearnsVariance)
        {
            w.Lines(
                "    var (conditional, varianceValues) = SplitOutput(halves[0]);    // (N, C, H, W) each",
                "    var (unconditional, _) = SplitOutput(halves[1]);    // (N, C, H, W)",
                "    var guided = unconditional + guidanceScale * (conditional - unconditional);    // out(x_t, null) + w (out(x_t, y) - out(x_t, null))",
                "    return " + Torch + ".cat(new[] { guided, varianceValues }, 1).MoveToOuterDisposeScope();    // the conditional pass's variance values, as the reference DiT keeps them");
        }
        else
        {
            w.Lines(
                "    var guided = halves[1] + guidanceScale * (halves[0] - halves[1]);    // out(x_t, null) + w (out(x_t, y) - out(x_t, null))",
                "    return guided.MoveToOuterDisposeScope();");
        }
        w.Line("}");
    }

    private static void EmitClassifierGuidance(CodeWriter w, ModelSpec m)
    {
        bool noise = m.Predicts == Prediction.Noise;
        w.Lines(
            "/// <summary>",
            "/// Classifier guidance (Dhariwal and Nichol 2021, Algorithm 2): the noise prediction becomes",
            "/// eps_hat = eps_theta(x_t, t) - s sqrt(1 - abar_t) grad_{x_t} log p_phi(y | x_t, t), the score of p(x_t) p_phi(y | x_t)^s.",
            noise
                ? "/// The network predicts eps, so eps_hat is the guided output; at s = 0 it is the output itself."
                : "/// The network predicts " + m.Predicts + ": eps comes from the parameterization hub, and eps_hat goes back to the same kind of output with the x0_hat it implies.",
            "/// DDPM and DDIM both use it (guided-diffusion's condition_score): in DDPM it moves the mean by s (beta_t / sqrt(alpha_t)) g,",
            "/// where Algorithm 1 (condition_mean) moves it by s Sigma_t g; the two agree where abar_t is small and differ near t = 0.",
            "/// </summary>",
            GeneratedCodeAttribute + "\"" + Version + "\")]",
            "private " + Tensor + " ClassifierGuidedOutput(" + Tensor + " output, " + Tensor + " x, " + Tensor + " t, int step, " + Tensor + " targets, " + RuntimeModels + ".ClassifierGuidance guidance)",
            "{",
            "    using var scope = " + Torch + ".NewDisposeScope();",
            "    var gradient = guidance.Classifier.LogProbabilityGradient(x, t, targets).to(x.dtype);    // (N, C, H, W): grad_{x_t} log p_phi(y | x_t, t)",
            "    var sqrtAlphaBar = " + Torch + ".tensor(Schedule.SqrtAlphasCumprod[step], dtype: x.dtype, device: x.device);    // ()",
            "    var sqrtOneMinusAlphaBar = " + Torch + ".tensor(Schedule.SqrtOneMinusAlphasCumprod[step], dtype: x.dtype, device: x.device);    // ()");
        w.Line(m.LearnsVariance
            ? "    var (prediction, varianceValues) = SplitOutput(output);    // (N, C, H, W) each"
            : "    var prediction = output;    // (N, C, H, W)");
        w.Lines(
            "    var (noise, _) = ToNoiseAndCleanSample(prediction, x, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // eps_theta (N, C, H, W)",
            "    var guidedNoise = noise - guidance.Scale * sqrtOneMinusAlphaBar * gradient;    // eps_hat (Algorithm 2, line 4)");
        if (noise)
        {
            w.Line("    var guided = guidedNoise;    // (N, C, H, W)");
        }
        else
        {
            w.Lines(
                "    var guidedCleanSample = (x - sqrtOneMinusAlphaBar * guidedNoise) / sqrtAlphaBar;    // x0_hat = (x_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t) (Ho et al. 2020, Eq. 4)",
                "    var guided = TrainingTarget(guidedCleanSample, guidedNoise, sqrtAlphaBar, sqrtOneMinusAlphaBar);    // back to the " + m.Predicts + " prediction");
        }
        w.Lines(m.LearnsVariance
            ? "    return " + Torch + ".cat(new[] { guided, varianceValues }, 1).MoveToOuterDisposeScope();    // the variance values unchanged"
            : "    return guided.MoveToOuterDisposeScope();",
            "}");
    }
}
