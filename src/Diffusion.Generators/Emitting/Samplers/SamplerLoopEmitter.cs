using System.Linq;
using Diffusion.Dsl;
using Diffusion.Generators.Model;
using static Diffusion.Generators.Emitting.CodeWriter;

namespace Diffusion.Generators.Emitting.Samplers;

/// <summary>
/// Emits {Namespace}.{Type}.Samplers.g.cs: one Sample{Kind} per declared [Sampler], all of the same shape (prepare,
/// then Diffusion.Runtime.Sampling.SamplingLoop with the sampler's step), each followed by its step from the
/// <see cref="SamplerTable"/>, then what the samplers share: the guided model output and the sampling device.
/// </summary>
internal static class SamplerLoopEmitter
{
    public static string Emit(ModelSpec m)
    {
        var names = new ModelNames(m);
        var w = new CodeWriter();
        w.Header(m.Type);
        var used = new[] { "torch", "Tensor", "Generator", "Scalar", "SampleRequest", "Denoiser", "ClassifierGuidance",
            "SamplingLoop", "CleanSampleThreshold", "Thresholding", "OnStep", "ArgumentNullException", "ArgumentException", "Math",
            "SamplingNoise", "SampleShard" };
        if (m.Distillation is null) used = used.Concat(new[] { "SamplingSteps" }).ToArray();
        if (m.Distillation is null && m.Latent is not null) used = used.Concat(new[] { "TimestepSpacing" }).ToArray();
        foreach (var kind in m.Samplers)
            if (SamplerTable.All[kind] is IOwnLoopSamplerEmitter own) used = used.Concat(own.Aliases).ToArray();
        if (m.Distillation is not null) used = used.Concat(new[] { "DistillationGrid" }).ToArray();
        names.Declare(w, used);
        w.Line("/// <summary>The samplers declared on " + m.Type.Name + ".</summary>");
        w.Open("partial class " + Identifier(m.Type.Name));
        foreach (var kind in m.Samplers)
        {
            var sampler = SamplerTable.All[kind];
            if (sampler is IOwnLoopSamplerEmitter own)
            {
                own.EmitSample(w, m, names);    // a sampler that does not walk training timesteps
                w.Line();
                continue;
            }
            EmitSample(w, m, names, kind, sampler);
            w.Line();
            sampler.EmitStep(w, m, names);
            w.Line();
        }
        EmitPrepare(w, m, names);
        w.Line();
        EmitModelOutput(w, m, names);
        w.Line();
        EmitSamplingDevice(w, names);
        w.Line();
        ClassifierGuidanceEmitter.Emit(w, m, names);
        if (m.HasGuidance)
        {
            w.Line();
            ClassifierGuidanceEmitter.EmitClassifierFree(w, m, names);
        }
        w.Close();
        return w.ToString();
    }

    private static void EmitSample(CodeWriter w, ModelSpec m, ModelNames names, SamplerKind kind, ISamplerEmitter sampler)
    {
        w.Line("/// <summary>");
        foreach (var line in sampler.Summary(m)) w.Line("/// " + line);
        w.Lines("/// Returns x_0 samples (Count, C, H, W); <paramref name=\"onStep\"/> sees (i, x_{tau_i - 1}) after each step.", "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("public " + names.Tensor + " Sample" + kind, new[]
        {
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser = null",
            names["OnStep"] + "? onStep = null",
        });
        w.Open();
        w.Lines(
            "using var noGrad = " + names.Torch + ".no_grad();",
            "using var scope = " + names.Torch + ".NewDisposeScope();",
            "var (steps, noise, modelOutput) = PrepareSampling(request, generator, denoiser);",
            "var samples = " + names["SamplingLoop"] + ".Run(steps, noise, modelOutput,",
            "    (x, step, previous, output) => " + sampler.StepName + "(",
            "        " + sampler.StepArguments + ", generator,",
            "        request.Thresholding, request.DynamicPercentile, request.Shard),",
            "    onStep, request.Precision);",
            "return samples.MoveToOuterDisposeScope();");
        w.Close();
    }

    private static void EmitPrepare(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var network = names.Network;
        bool labelled = m.Network.IsClassConditional;
        w.Lines(
            "/// <summary>",
            "/// What every sampler starts from: the request checked, the S training steps tau_1 &lt; ... &lt; tau_S it visits",
            "/// (evenly spaced: improved-diffusion's respacing), x_T ~ N(0, I) (Ho et al. 2020, Algorithm 2, line 1) and the",
            "/// network output at each step with the request's guidance.",
            "/// </summary>");
        w.GeneratedCode();
        w.Wrapped("private (int[] Steps, " + names.Tensor + " Noise, " + names["SamplingLoop"] + ".StepOutput Output) PrepareSampling", new[]
        {
            names["SampleRequest"] + " request",
            names["Generator"] + " generator",
            names["Denoiser"] + "? denoiser",
        });
        w.Open();
        var nullException = names["ArgumentNullException"];
        w.Lines(
            "if (request is null) throw new " + nullException + "(nameof(request));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "request.Validate(" + names.Schedule + ".Timesteps, " + (labelled ? network + ".Classes" : "null") + ", Schedule);");
        if (labelled && !m.HasGuidance)
        {
            w.Lines(
                "if (request.GuidanceScale != 1.0)",
                "    throw new " + names["ArgumentException"] + "(\"" + m.Type.Name + " declares no [ClassifierFreeGuidance]; use GuidanceScale = 1.\", nameof(request));");
        }
        w.Lines(
            m.Network.Text is not null
                ? "var model = denoiser ?? new " + names["Denoiser"] + "(Denoise);    // SampleText passes the guided text network"
                : m.SuperResolution is null
                ? "var model = denoiser ?? new " + names["Denoiser"] + "((x, t, labels) => Network.call(x, t, labels));"
                : "var model = denoiser ?? new " + names["Denoiser"] + "(Denoise);    // SampleFrom passes the conditioned network",
            "var device = SamplingDevice(generator);",
            "");
        int step = 1;
        if (labelled)
        {
            w.Step(ref step, m.HasGuidance
                ? "Labels y; without labels, or at guidance weight w = 0, the null label (unconditional sampling)"
                : "Labels y; without labels the null label (unconditional sampling)");
            w.Lines(
                "using " + names["Scalar"] + " nullLabel = " + network + ".NullLabel;    // disposed here, not left to the finalizer",
                "var labels = request.Labels is { } given" + (m.HasGuidance ? " && request.GuidanceScale != 0.0" : ""),
                "    ? given.to(device)",
                "    : " + names.Torch + ".full(new long[] { request.Count }, nullLabel,",
                "        dtype: " + names.Torch + ".int64, device: device);    // (Count)",
                "");
        }
        w.Step(ref step, "The classes classifier guidance steers toward (Dhariwal and Nichol 2021), when a classifier is given");
        w.Lines(
            "var targets = request.Classifier is null ? null : request.Labels!.to(device);    // (Count)",
            "");
        if (m.Distillation is null)
        {
            if (m.Latent is null)
            {
                w.Step(ref step, "tau_1 < ... < tau_S, S = request.Steps of the T training steps: evenly spaced from T - 1, or as request.Spacing says");
                w.Lines(
                    "var steps = " + names["SamplingSteps"] + ".Ascending(" + names.Schedule + ".Timesteps, request.Steps, request.Spacing);",
                    "");
            }
            else
            {
                w.Step(ref step, "tau_1 < ... < tau_S, S = request.Steps of the T training steps: k (T div S) by default (latent "
                    + "diffusion's DDIM steps), which leaves out T - 1, where unclipped latents blow up (SamplingSteps)");
                w.Lines(
                    "var spacing = request.Spacing ?? " + names["TimestepSpacing"] + ".Leading;",
                    "var steps = " + names["SamplingSteps"] + ".Ascending(" + names.Schedule + ".Timesteps, request.Steps, spacing);",
                    "");
            }
        }
        else
        {
            w.Step(ref step, "tau_1 < ... < tau_S, S = request.Steps of the T training steps, trailing: the grid the distillation rounds trained on");
            w.Lines(
                "if (request.Spacing is not null)",
                "{",
                "    throw new " + names["ArgumentException"] + "(",
                "        \"" + m.Type.Name + " samples on the grid its distillation rounds trained on; leave Spacing null.\",",
                "        nameof(request));",
                "}");
            w.Lines(
                "var steps = " + names["DistillationGrid"] + ".SamplerSteps(" + names.Schedule + ".Timesteps, request.Steps);",
                "");
        }
        w.Step(ref step, "x_T ~ N(0, I) (Ho et al. 2020, Algorithm 2, line 1)");
        w.Line("var size = new long[] { request.Count, " + network + ".InChannels, " + network + ".InputSize, " + network + ".InputSize };");
        w.Line("// the request's rows of the whole request's draw when it is one process's shard (SamplingNoise)");
        w.Commented("var noise = " + names["SamplingNoise"] + ".Draw(size, request.Shard, generator, device);", "(Count, C, H, W)");
        w.Line("return (steps, noise, (x, step) => ModelOutput(model, request, " + (labelled ? "labels" : "null") + ", targets, x, step));");
        w.Close();
    }

    private static void EmitModelOutput(CodeWriter w, ModelSpec m, ModelNames names)
    {
        var channels = m.LearnsVariance ? "2C" : "C";
        w.Lines(
            "/// <summary>The network output at (x_t, tau_i), with the request's guidance.</summary>");
        w.GeneratedCode();
        var tensor = names.Tensor;
        w.Wrapped("private " + tensor + " ModelOutput", new[]
        {
            names["Denoiser"] + " model",
            names["SampleRequest"] + " request",
            tensor + "? labels",
            tensor + "? targets",
            tensor + " x",
            "int step",
        });
        w.Open();
        w.Lines(
            "using " + names["Scalar"] + " timestep = step;    // disposed here, not left to the finalizer",
            "var t = " + names.Torch + ".full(new long[] { request.Count }, timestep, dtype: " + names.Torch + ".int64, device: x.device);");
        w.Line();
        int n = 1;
        if (m.HasGuidance)
        {
            w.Step(ref n, "The model output, guided when w != 1: one batched pass on (x, y) and (x, null) (Ho and Salimans 2022, Eq. 6)");
            w.Lines(
                "var output = request.Labels is not null && request.GuidanceScale != 1.0 && request.GuidanceScale != 0.0",
                "    ? GuidedOutput(model, x, t, labels!, request.GuidanceScale)",
                "    : model(x, t, labels);    // (Count, " + channels + ", H, W)");
        }
        else
        {
            w.Step(ref n, "The model output");
            w.Line("var output = model(x, t, labels);    // (Count, " + channels + ", H, W)");
        }
        w.Line();
        w.Step(ref n, "Classifier guidance (Dhariwal and Nichol 2021, Algorithm 2): see ClassifierGuidedOutput");
        w.Line("if (request.Classifier is { } guidance) output = ClassifierGuidedOutput(output, x, t, step, targets!, guidance);");
        w.Line("return output;");
        w.Close();
    }

    private static void EmitSamplingDevice(CodeWriter w, ModelNames names)
    {
        w.Line("/// <summary>Where sampling runs: the network's device (its first parameter's), else the generator's.</summary>");
        w.GeneratedCode();
        w.Open("private " + names.Torch + ".Device SamplingDevice(" + names["Generator"] + " generator)");
        w.Lines(
            "foreach (var parameter in Network.parameters()) return parameter.device;",
            "return generator.device;");
        w.Close();
    }

    /// <summary>
    /// The start every step method shares: its arguments checked, the transition of the respaced process from
    /// <c>step</c> to <c>previous</c>, and a = sqrt(abar_t), s = sqrt(1 - abar_t) as 0-dimensional tensors.
    /// </summary>
    public static void EmitStepOpening(CodeWriter w, ModelNames names)
    {
        var nullException = names["ArgumentNullException"];
        var torch = names.Torch;
        w.Lines(
            "if (x is null) throw new " + nullException + "(nameof(x));",
            "if (output is null) throw new " + nullException + "(nameof(output));",
            "if (generator is null) throw new " + nullException + "(nameof(generator));",
            "using var scope = " + torch + ".NewDisposeScope();",
            "var transition = Schedule.Transition(step, previous);    // abar, beta, beta~ and mu~ of the respaced step",
            "var sqrtAlphaBar = " + torch + ".tensor(transition.SqrtAlphaBar, dtype: x.dtype, device: x.device);    // ()",
            "var sqrtOneMinusAlphaBar = " + torch + ".tensor(transition.SqrtOneMinusAlphaBar, dtype: x.dtype, device: x.device);",
            "");
    }

    /// <summary>
    /// For a model that predicts the posterior mean: coef1_t and coef2_t of the training chain's one-step posterior at
    /// <c>step</c> (not the respaced transition's), which the hub needs to read the output, as 0-dimensional tensors. The
    /// network always predicts the mean of x_{t-1} one training step back; improved-diffusion's respacing likewise
    /// converts it to x0_hat with the original process's coefficients before taking the strided step.
    /// </summary>
    public static void EmitMeanCoefficients(CodeWriter w, ModelSpec m, ModelNames names)
    {
        if (m.Predicts != Diffusion.Dsl.Prediction.Mean) return;
        ParameterizationEmitter.EmitMeanCoefficients(w, m, table => AtStep(names, table));
        w.Line();
    }

    /// <summary>A float64 schedule table's entry at <c>step</c> as a 0-dimensional tensor of x's type and device.</summary>
    public static string AtStep(ModelNames names, string table) =>
        names.Torch + ".tensor(" + table + "[step], dtype: x.dtype, device: x.device)";

    /// <summary>The parameters every step method takes, with <paramref name="extra"/> (DDIM's eta) before the generator.</summary>
    public static string[] StepParameters(ModelNames names, params string[] extra)
    {
        var tensor = names.Tensor;
        var parameters = new System.Collections.Generic.List<string> { tensor + " x", "int step", "int previous", tensor + " output" };
        parameters.AddRange(extra);
        parameters.Add(names["Generator"] + " generator");
        parameters.Add(names["Thresholding"] + " thresholding = " + names["Thresholding"] + ".Static");
        parameters.Add("double dynamicPercentile = " + names["CleanSampleThreshold"] + ".DefaultPercentile");
        parameters.Add(names["SampleShard"] + "? shard = null");
        return parameters.ToArray();
    }

    /// <summary>x0_hat limited as the request says: none, clip to [-1, 1] or dynamic (Saharia et al. 2022, Sec. 2.3).</summary>
    public static void EmitThresholding(CodeWriter w, ModelNames names, ref int step, string? noiseAgain, string comment = "")
    {
        w.Step(ref step, "x0_hat thresholded: none, static clip to [-1, 1], or dynamic (Saharia et al. 2022, Sec. 2.3)");
        w.Open("if (thresholding != " + names["Thresholding"] + ".None)");
        w.Line("cleanSample = " + names["CleanSampleThreshold"] + ".Apply(cleanSample, thresholding, dynamicPercentile);");
        if (noiseAgain is not null) w.Commented(noiseAgain, comment);
        w.Close();
        w.Line();
    }

    /// <summary>The prediction part of the step's output: the output itself, or its first C channels.</summary>
    public static string Prediction(ModelSpec m) => m.LearnsVariance ? "SplitOutput(output).Prediction" : "output";
}
